"""Issue #11: every journey page renders in English with no Han characters and no
full-width punctuation, except the names and recorded wording listed in ALLOWED (narrow,
explicit): people's and units' names, offices, their chain steps and districts (proper
names; their English forms are not ours to invent), and the history's recorded status
wording (a record, Chinese in every language: rencai.cases.services, and the seed quotes
it). What the test's people type (a qualification, a ticket, an address) is typed in
English, so that only the site's own text is judged."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from rencai.accounts.models import RoleGrant, User
from rencai.cases.models import CaseEvent
from rencai.cases.services import case_transition
from rencai.changes.models import ChangeRequest
from rencai.changes.services import change_request_unit_new
from rencai.orgs.models import District, Office, Unit
from rencai.support import services as support
from rencai.support.models import Ticket
from rencai.support.selectors import context_for_case
from tests.backoffice.conftest import office_client
from tests.cases.apply_helpers import act_as, catalog, fill_title, media, png_file
from tests.cases.factories import credit_code, new_case, official

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]+")
#: Full-width punctuation that English text must not carry (curly quotes “ ” are English
#: typography too, so they are not in the list).
FULL_WIDTH = re.compile(r"[，。：；（）「」、！？【】《》]")
#: Shown in its own language by design (the language switch).
LANGUAGE_NAMES = {"简体中文"}


class _Text(HTMLParser):
    """Visible text and the attributes people read (titles, labels, placeholders)."""

    READ = {"title", "aria-label", "placeholder", "alt", "content"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.READ and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and value and ("type", "hidden") not in attrs:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _allowed(world, changes) -> list[str]:
    names = set(User.objects.values_list("real_name", flat=True))  # people's names
    names |= set(Unit.objects.values_list("name", flat=True))
    names |= {c.name for c in changes}  # the unit a request asks to register
    names |= set(Office.objects.values_list("name", flat=True))
    names |= {n for n in Office.objects.values_list("short_name", flat=True) if n}
    names |= set(District.objects.values_list("name", flat=True))
    names |= {s.name for s in world.dept_steps + world.review_steps}  # offices' own step names
    names |= set(CaseEvent.objects.values_list("status_text", flat=True))
    # Longest first, so that a name containing another is taken whole.
    return sorted(names | LANGUAGE_NAMES, key=len, reverse=True)


def _left(html: str, allowed: list[str]) -> list[str]:
    """Han runs and full-width punctuation left once the allowed names are taken out."""
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for name in allowed:
        text = text.replace(name, " ")
    han = {m.group(0) for m in HAN.finditer(text)}
    # Punctuation with a little context, so a failure says where it is.
    flat = " ".join(text.split())
    marks = {flat[max(0, m.start() - 8) : m.end() + 8] for m in FULL_WIDTH.finditer(flat)}
    return sorted(han | marks)


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _people(world, owner):
    applicant = _english(Client())
    applicant.force_login(world.applicant)
    holder = _english(Client())  # the forwarded case's applicant
    holder.force_login(owner)
    unit = _english(Client())
    unit.force_login(world.unit_admin)
    act_as(unit, world.unit_acting.grant)
    dept = _english(office_client(*world.officials["dept-sasac"]))
    city = _english(office_client(*world.officials["city-hrss"]))
    centre = _english(office_client(*official("data-centre")))
    return applicant, holder, unit, dept, city, centre


def _journey(world):
    """A draft, a case forwarded to its department, a 新增单位 request, a ticket."""
    draft = new_case(world, attach=False)
    fill_title(draft)
    draft.qualification_name = "Engineer"
    draft.save(update_fields=["qualification_name"])
    submitted = new_case(world, unit=world.soe, qualification_name="Engineer")
    case_transition(case=submitted, action="submit", actor=submitted.applicant, acting_as=None)
    case_transition(case=submitted, action="forward", actor=world.unit_admin,
                    acting_as=world.unit_acting)  # fmt: skip
    change = change_request_unit_new(
        requester=world.applicant, name="广州市星河云算科技有限公司", code=credit_code(),
        nature=Unit.Nature.PRIVATE, level=Unit.Level.DISTRICT,
        district=District.objects.get(code="440106"), address="1 Example Road, Tianhe",
        confirm_new=True, files={"business_licence": png_file()},
    )  # fmt: skip
    ctx = context_for_case(number=submitted.number, user=submitted.applicant, acting_as=None)
    ticket = support.ticket_open(
        user=submitted.applicant, topic="wrong_office", context=ctx,
        body="My employer is in Yuexiu, not Tianhe.",
    )  # fmt: skip
    return draft, submitted, change, ticket


def _check(pages: dict, allowed: list[str]) -> dict:
    found = {}
    for client, urls in pages.items():
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert '<html lang="en">' in html, url
            left = _left(html, allowed)
            if left:
                found[url] = left
    return found


def test_every_journey_page_is_english(world):
    draft, submitted, change, ticket = _journey(world)
    applicant, holder, unit, dept, city, centre = _people(world, submitted.applicant)
    public = _english(Client())
    case, req, tk = submitted.number, change.number, ticket.number
    pages = {
        public: ["/", "/help/", "/help/offices/", "/help/not-handled/", "/accounts/login/",
                 "/accounts/register/", "/help/a/after-card/"],
        applicant: ["/accounts/", "/cases/", "/cases/new/", f"/cases/{draft.number}/edit/",
                    f"/cases/{draft.number}/", "/accounts/security/", "/process/mine/",
                    "/changes/", "/changes/new/unit/", "/changes/new/unit-change/",
                    "/changes/new/institution/", "/changes/new/major/", "/changes/unit-admin/",
                    f"/changes/requests/{req}/", "/support/new/"],
        holder: [f"/cases/{case}/", "/process/mine/", "/support/", f"/support/new/?case={case}",
                 f"/support/t/{tk}/"],
        unit: ["/cases/unit/", f"/cases/{case}/", "/changes/new/unit-contact/",
               "/process/mine/"],
        dept: ["/office/", "/office/queue/department/", f"/office/cases/{case}/",
               "/office/stats/", "/process/worklist/", "/support/office/",
               f"/support/office/t/{tk}/", "/changes/unit-admin/review/"],
        city: ["/office/", "/office/queue/review/", "/office/queue/notice/", "/office/stats/"],
        centre: ["/changes/review/", f"/changes/requests/{req}/", "/process/worklist/"],
    }  # fmt: skip
    assert RoleGrant.objects.filter(role=RoleGrant.Role.OFFICIAL, office__code="data-centre")
    assert ChangeRequest.objects.filter(number=req).exists() and Ticket.objects.filter(number=tk)
    found = _check(pages, _allowed(world, [change]))
    assert found == {}, found


def test_the_statistics_csv_speaks_the_requests_language(world):
    """English header for an English request; the bureau's default stays Chinese."""
    _journey(world)
    user, acting = world.officials["city-hrss"]
    english = _english(office_client(user, acting)).get("/office/stats.csv")
    chinese = office_client(user, acting).get("/office/stats.csv")
    assert english.status_code == chinese.status_code == 200
    lines_en = english.content.decode("utf-8-sig").splitlines()
    lines_zh = chinese.content.decode("utf-8-sig").splitlines()
    assert lines_en[0].startswith("Scope,") and lines_zh[0].startswith("范围,"), lines_zh[0]
    assert not HAN.search(lines_en[1]) and "Average" in lines_en[1], lines_en[1]
    assert lines_zh[1].startswith("类别"), lines_zh[1]
