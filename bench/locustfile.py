"""Mixed load on Rencai (bench/load_mixed.py runs it headless and prints p95 per page).

Visitors browse the help centre, the office directory and the notice list and search units
with 2-4 characters (page and API); applicants log in (argon2) once, then read their
dashboard, their case's status page and its API status; officials log in with the second
factor and work the acceptance and review queues and open cases. Accounts and case numbers
come from the environment that load_mixed.py prepares (RENCAI_LOAD_*).
"""

from __future__ import annotations

import json
import os
import random
import re

import pyotp
from locust import HttpUser, between, task

PASSWORD = os.environ.get("RENCAI_LOAD_PASSWORD", "Rencai@2026!")
APPLICANTS = json.loads(os.environ.get("RENCAI_LOAD_APPLICANTS", "[]"))  # [[login, number]]
OFFICIAL = os.environ.get("RENCAI_LOAD_OFFICIAL", "demo_tianhe")
OFFICIAL_SECRET = os.environ.get("RENCAI_LOAD_TOTP", "")
OFFICIAL_CASES = json.loads(os.environ.get("RENCAI_LOAD_OFFICE_CASES", "[]"))
# Common characters of Guangzhou unit names: 2-4 character needles drawn from them.
NAME_CHARS = "广州市天河越秀海珠白云番禺黄埔花都南沙从化增城科技贸易有限公司实业发展服务中心"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _needle() -> str:
    n = random.randint(2, 4)
    start = random.randrange(len(NAME_CHARS) - n)
    return NAME_CHARS[start : start + n]


def _login(user: HttpUser, login: str, secret: str = "") -> bool:
    page = user.client.get("/accounts/login/", name="/accounts/login/ [GET]")
    match = TOKEN.search(page.text)
    if not match:
        return False
    data = {"username": login, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)}
    response = user.client.post(
        "/accounts/login/", data=data, name="/accounts/login/ [POST]",
        headers={"Referer": user.host + "/accounts/login/"},
    )  # fmt: skip
    if secret and "/office/2fa/" in response.url:
        match = TOKEN.search(response.text)
        code = pyotp.TOTP(secret).now()
        response = user.client.post(
            "/office/2fa/", data={"code": code, "csrfmiddlewaretoken": match.group(1)},
            name="/office/2fa/ [POST]", headers={"Referer": user.host + "/office/2fa/"},
        )  # fmt: skip
    return response.ok


class Visitor(HttpUser):
    weight = 6
    wait_time = between(1, 4)

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
    weight = 3
    wait_time = between(2, 6)

    def on_start(self):
        self.login, self.number = random.choice(APPLICANTS) if APPLICANTS else ("", "")
        self.ok = bool(self.login) and _login(self, self.login)

    @task(2)
    def dashboard(self):
        if self.ok:
            self.client.get("/accounts/")

    @task(3)
    def status_page(self):
        if self.ok and self.number:
            self.client.get(f"/cases/{self.number}/", name="/cases/[number]/")

    @task(1)
    def status_api(self):
        if self.ok and self.number:
            self.client.get(f"/api/cases/{self.number}", name="/api/cases/[number]")


class Official(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        self.ok = bool(OFFICIAL_SECRET) and _login(self, OFFICIAL, OFFICIAL_SECRET)

    @task(3)
    def acceptance_queue(self):
        if self.ok:
            self.client.get("/office/queue/acceptance/")

    @task(1)
    def review_queue(self):
        if self.ok:
            self.client.get("/office/queue/review/")

    @task(2)
    def open_case(self):
        if self.ok and OFFICIAL_CASES:
            number = random.choice(OFFICIAL_CASES)
            self.client.get(f"/office/cases/{number}/", name="/office/cases/[number]/")
