"""Mixed load on Rencai (bench/load_mixed.py runs it headless and prints p95 per page).

Four kinds of user, each session as a real one: log in once (on_start), then work.

- visitors browse the help centre, the office directory, the notice list and the home page
  and search units with 2-4 characters (page and API);
- applicants with a submitted case log in (argon2), then read their dashboard, their
  case's status page and its API status;
- applicants with a draft log in, open the draft, save its details (the page's autosave
  and the plain form) and upload a small PNG or PDF;
- officials of 天河区 log in with the second factor (their own TOTP secret, the code from
  pyotp), work the acceptance and review queues (first page, then the next page through
  the keyset link), open cases and accept some of their own pool.

Accounts, secrets and case numbers come from bench/load_accounts.py via RENCAI_LOAD_ACCOUNTS
(a JSON file). Accounts are handed out one per session (one locust process), so no two
sessions share a draft or a TOTP account. Login is its own row ("/accounts/login/ [POST]").
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
from pathlib import Path

import pyotp
from locust import HttpUser, between, task
from PIL import Image

_path = os.environ.get("RENCAI_LOAD_ACCOUNTS", "")
ACCOUNTS = json.loads(Path(_path).read_text(encoding="utf-8")) if _path else {}
PASSWORD = ACCOUNTS.get("password", "Rencai@2026!")
# Common characters of Guangzhou unit names: 2-4 character needles drawn from them.
NAME_CHARS = "广州市天河越秀海珠白云番禺黄埔花都南沙从化增城科技贸易有限公司实业发展服务中心"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_PAGE = re.compile(r'href="(\?after=[^"]+)"')
ACCEPT_FORM = re.compile(
    r'class="office-action action-accept".*?name="csrfmiddlewaretoken" value="([^"]+)"'
    r'.*?name="accept-expected_version" value="(\d+)"',
    re.S,
)
_next = {kind: itertools.count() for kind in ("applicants", "drafters", "officials")}
_addresses = itertools.count(1)


def _own_address(user: HttpUser) -> None:
    """Each simulated person comes from an address of their own, as through the city's
    nginx (load_mixed.py trusts 127.0.0.1 as the proxy): the per-address API rate limit
    (rencai.api.throttles) applies per person, not to all 200 at once."""
    n = next(_addresses)
    user.client.headers["X-Forwarded-For"] = f"198.18.{n // 250}.{n % 250 + 1}"


def _account(kind: str):
    """The next unused account of this kind (wraps around if there are more sessions)."""
    pool = ACCOUNTS.get(kind) or []
    return pool[next(_next[kind]) % len(pool)] if pool else None


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (random.randrange(256), 40, 40)).save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (40, random.randrange(256), 40)).save(out, "PDF")
    return out.getvalue()


def _needle() -> str:
    n = random.randint(2, 4)
    start = random.randrange(len(NAME_CHARS) - n)
    return NAME_CHARS[start : start + n]


def _token(response) -> str:
    match = TOKEN.search(response.text or "")
    return match.group(1) if match else ""


def _login(user: HttpUser, login: str, secret: str = "") -> bool:
    page = user.client.get("/accounts/login/", name="/accounts/login/ [GET]")
    data = {"username": login, "password": PASSWORD, "csrfmiddlewaretoken": _token(page)}
    with user.client.post(
        "/accounts/login/", data=data, name="/accounts/login/ [POST]", catch_response=True
    ) as response:
        if "/accounts/login/" in response.url:
            response.failure("login refused")
            return False
    if secret:
        if "/office/2fa/" not in response.url:
            return False
        code = pyotp.TOTP(secret).now()
        with user.client.post(
            "/office/2fa/", data={"code": code, "csrfmiddlewaretoken": _token(response)},
            name="/office/2fa/ [POST]", catch_response=True,
        ) as response:  # fmt: skip
            if "/office/2fa/" in response.url or "/accounts/login/" in response.url:
                response.failure("second factor refused")
                return False
    return response.ok


class Visitor(HttpUser):
    weight = 10
    wait_time = between(1, 4)

    def on_start(self):
        _own_address(self)

    @task(3)
    def help_centre(self):
        self.client.get("/help/")

    @task(1)
    def directory(self):
        self.client.get("/help/offices/")

    @task(1)
    def notices(self):
        self.client.get("/notice/")

    @task(1)
    def home(self):
        self.client.get("/")

    @task(4)
    def unit_search(self):
        self.client.get("/units/", params={"q": _needle()}, name="/units/?q=[2-4 chars]")

    @task(2)
    def unit_api(self):
        self.client.get("/api/units", params={"q": _needle()}, name="/api/units?q=[2-4 chars]")


class Applicant(HttpUser):
    weight = 5
    wait_time = between(2, 6)

    def on_start(self):
        _own_address(self)
        account = _account("applicants")
        self.number = account[1] if account else ""
        self.ok = bool(account) and _login(self, account[0])

    @task(2)
    def dashboard(self):
        if self.ok:
            self.client.get("/accounts/")

    @task(3)
    def status_page(self):
        if self.ok:
            self.client.get(f"/cases/{self.number}/", name="/cases/[number]/")

    @task(1)
    def status_api(self):
        if self.ok:
            self.client.get(f"/api/cases/{self.number}", name="/api/cases/[number]")


class Drafter(HttpUser):
    """An applicant filling in a draft: details saved, attachments uploaded."""

    weight = 3
    wait_time = between(3, 8)

    def on_start(self):
        _own_address(self)
        account = _account("drafters")
        self.ok = bool(account) and _login(self, account[0])
        if self.ok:
            _, self.number, self.type_code = account
            self.open_draft()

    @task(2)
    def open_draft(self):
        if self.ok:
            page = self.client.get(f"/cases/{self.number}/edit/", name="/cases/[number]/edit/")
            self.csrf = _token(page) or getattr(self, "csrf", "")

    def _details(self) -> dict:
        return {
            "section": "details", "csrfmiddlewaretoken": self.csrf,
            "qualification_name": random.choice(["电工", "焊工", "中式烹调师", "美容师"]),
            "qualification_level": random.choice(["四级/中级工", "三级/高级工", "二级/技师"]),
            "certificate_number": f"S{random.randrange(10**8):08d}",
            "certificate_date": f"20{random.randint(10, 24)}-0{random.randint(1, 9)}-1{random.randint(0, 9)}",
        }  # fmt: skip

    @task(3)
    def autosave(self):
        if self.ok:
            self.client.post(
                f"/cases/{self.number}/edit/", data=self._details(),
                headers={"X-Rencai-Autosave": "1"}, name="/cases/[number]/edit/ [autosave]",
            )  # fmt: skip

    @task(1)
    def save(self):
        if self.ok:
            self.client.post(
                f"/cases/{self.number}/edit/", data=self._details(),
                name="/cases/[number]/edit/ [POST save]",
            )  # fmt: skip

    @task(1)
    def upload(self):
        if self.ok:
            pdf = random.random() < 0.5
            name, body, kind = (
                ("scan.pdf", _pdf(), "application/pdf")
                if pdf
                else ("scan.png", _png(), "image/png")
            )
            self.client.post(
                f"/cases/{self.number}/attachments/",
                data={"type_code": self.type_code, "csrfmiddlewaretoken": self.csrf},
                files={"file": (name, body, kind)}, name="/cases/[number]/attachments/ [POST]",
            )  # fmt: skip


class Official(HttpUser):
    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        _own_address(self)
        account = _account("officials")
        self.pool = list(account[2]) if account else []
        self.ok = bool(account) and _login(self, account[0], account[1])

    @task(3)
    def acceptance_queue(self):
        if self.ok:
            page = self.client.get("/office/queue/acceptance/")
            match = NEXT_PAGE.search(page.text or "")
            if match:
                self.client.get(
                    "/office/queue/acceptance/" + match.group(1).replace("&amp;", "&"),
                    name="/office/queue/acceptance/?after=[keyset]",
                )

    @task(1)
    def review_queue(self):
        if self.ok:
            self.client.get("/office/queue/review/")

    @task(2)
    def open_case(self):
        if self.ok and self.pool:
            number = random.choice(self.pool)
            self.client.get(f"/office/cases/{number}/", name="/office/cases/[number]/")

    @task(1)
    def accept(self):
        if not (self.ok and self.pool):
            return
        number = self.pool.pop()
        with self.client.get(
            f"/office/cases/{number}/", name="/office/cases/[number]/", catch_response=True
        ) as page:
            match = ACCEPT_FORM.search(page.text or "")
            if not match:
                page.failure("no accept form")
                return
        with self.client.post(
            f"/office/cases/{number}/act/", name="/office/cases/[number]/act/ [accept]",
            data={"action": "accept", "accept-action": "accept", "accept-reason": "",
                  "accept-expected_version": match.group(2),
                  "csrfmiddlewaretoken": match.group(1)},
            catch_response=True,
        ) as response:  # fmt: skip
            if f"/office/cases/{number}/" in response.url and "已受理" not in response.text:
                response.failure("accept not recorded")
