"""Test helpers for /admin/: a verified superuser client and a browser-like form reader."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from rencai.accounts.models import User
from tests.backoffice.second_factor import mark_second_factor_passed


def superuser_client(client: Client | None = None, login_name: str = "root") -> Client:
    """A client logged in through the login page as a new superuser, second factor passed."""
    client = client or Client()
    root = User.objects.create_superuser(login_name, "Admin#2026x")
    response = client.post(
        reverse("accounts:login"), {"username": login_name, "password": "Admin#2026x"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return mark_second_factor_passed(client, root)


class _FormReader(HTMLParser):
    """What a browser would submit from the form with id `form_id` (no file inputs)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data: dict[str, list[str]] = {}
        self._in_form = self._done = False
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and not self._done and a.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
                return
            self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None


def form_data(html: str, form_id: str) -> dict[str, list[str] | str]:
    """The fields of form `form_id` (the admin's is "<model>_form") as the test client's
    `data` (lists for repeated names)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {k: (v if len(v) > 1 else v[0]) for k, v in reader.data.items()}
