"""The page of a request form, for any request kind with a submit service (and attachments:
rencai.process.submit, rencai.process.attachments): GET shows the kind's form; POST keeps
the chosen files in a draft folder (a signed token in the form, so an invalid POST does
not lose them), calls the service and, when it refuses, shows its error next to the field
(with the similar records it offers, or the existing record it found) and status 400.
A POST that `is_search` (a picker's search, a "check" button) shows the form again, 200.

The template receives `form`, `kind`, `title`, `draft_token`, `draft_documents` ((name,
document) pairs), `attachment_names`, `candidates`, `existing`, `show_errors` and the
declaration's `context(request, kind)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rencai.core.errors import DomainError, NotFound
from rencai.documents.selectors import folder_documents
from rencai.process.attachments import Attachments

DRAFT_MAX_AGE = 24 * 3600


def add_error(form, exc: DomainError) -> None:
    """A service's refusal next to its field (or above the form when it names none)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@dataclass(frozen=True)
class RequestForm:
    #: kind → (form class, page title)
    forms: Mapping[str, tuple[type, Any]]
    #: (request, kind, cleaned_data, draft folder) → the submitted request
    submit: Callable
    template: str
    done: str  # URL name of the submitted request's page (by number)
    success: Any  # message, with %(number)s and the keys of `said(obj)`
    attachments: Attachments | None = None
    said: Callable = lambda obj: {}
    #: request → the POST data the form is bound to
    data: Callable = lambda request: request.POST
    initial: Callable = lambda request, kind: {}
    context: Callable = lambda request, kind: {}
    #: (request, kind, title) → a page instead of the form (e.g. "act as the unit first")
    before: Callable = lambda request, kind, title: None
    #: POST data → True when a picker's own search button sent it (not a submit)
    is_search: Callable = lambda data: False

    @property
    def salt(self) -> str:
        return f"rencai.process.draft.{self.attachments.draft_kind}"

    def draft_token(self, request, folder) -> str:
        if folder is None:
            return ""
        return signing.dumps({"f": folder.pk, "u": request.user.pk}, salt=self.salt)

    def draft_from(self, request):
        """The draft folder the POST's token names, if it is this user's and still a draft."""
        try:
            data = signing.loads(
                request.POST.get("draft", ""), salt=self.salt, max_age=DRAFT_MAX_AGE
            )
        except signing.BadSignature:
            return None
        if data.get("u") != request.user.pk:
            return None
        try:
            return self.attachments.draft_folder(user=request.user, folder_id=data.get("f"))
        except NotFound:
            return None

    def labelled(self, documents) -> list:
        names = self.attachments.names
        return [(names.get(d.type_code, d.type_code), d) for d in documents]

    def upload(self, request, kind: str) -> tuple:
        """(draft folder, upload errors by type) of the POST's files for `kind`."""
        if self.attachments is None:
            return None, {}
        files = {t: f for t in self.attachments.types[kind] if (f := request.FILES.get(t))}
        return self.attachments.draft_upload(
            user=request.user, folder=self.draft_from(request), kind=kind, files=files
        )

    def page(self, request, kind: str):
        form_class, title = self.forms[kind]
        if (instead := self.before(request, kind, title)) is not None:
            return instead
        draft, found, status = None, {}, 200
        is_search = request.method == "POST" and self.is_search(request.POST)
        if request.method == "POST":
            form = form_class(self.data(request), request.FILES)
            draft, upload_errors = self.upload(request, kind)
            if not is_search and form.is_valid() and not upload_errors:
                try:
                    obj = self.submit(request, kind, form.cleaned_data, draft)
                except DomainError as exc:
                    found = {name: getattr(exc, name, None) for name in ("candidates", "existing")}
                    add_error(form, exc)
                else:
                    said = {"number": obj.number, **self.said(obj)}
                    messages.success(request, str(self.success) % said)
                    return redirect(self.done, number=obj.number)
            for type_code, message in upload_errors.items():
                form.add_error(type_code if type_code in form.fields else None, message)
            status = 200 if is_search else 400
        else:
            form = form_class(initial=self.initial(request, kind))
        context = {
            "form": form, "kind": kind, "title": title, "candidates": None, "existing": None,
            **found, "draft_token": self.draft_token(request, draft),
            "draft_documents": self.labelled(folder_documents(folder=draft)) if draft else [],
            "attachment_names": self.attachments.names if self.attachments else {},
            "show_errors": request.method == "POST" and not is_search,
            **self.context(request, kind),
        }  # fmt: skip
        return render(request, self.template, context, status=status)

    def view(self, kind: str) -> Callable:
        @login_required
        @require_http_methods(["GET", "POST"])
        def view(request):
            return self.page(request, kind)

        return view

    def urls(self, pages: Mapping[str, tuple[str, str]], *, prefix: str = "new/") -> list:
        """One form page per kind: `pages` maps a URL name to (path under `prefix`, kind)."""
        from django.urls import path

        return [
            path(f"{prefix}{slug}/", self.view(kind), name=name)
            for name, (slug, kind) in pages.items()
        ]
