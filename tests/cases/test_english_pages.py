"""Issue #11: every journey page renders in English with no Han characters, except the
names, addresses and recorded wording listed in ALLOWED (narrow, explicit): people's and
units' names, offices and districts (proper names; their English forms are not ours to
invent), the help articles' and FAQ's own text (edited in the admin, Chinese by nature)
is not on these pages, and the history's recorded status wording (a record, Chinese in
every language: rencai.cases.services, and the seed quotes it)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from rencai.accounts import roles
from rencai.cases.models import CaseEvent
from rencai.cases.services import case_transition
from rencai.orgs.models import District, Office
from tests.backoffice.conftest import office_client
from tests.cases.apply_helpers import act_as, catalog, fill_title, media
from tests.cases.factories import new_case

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]+")
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


def _allowed(world, cases) -> list[str]:
    names = {world.applicant.real_name, world.unit_admin.real_name, world.soe.name,
             world.private.name}  # fmt: skip
    names |= {u.real_name for u, _a in world.officials.values()}
    names |= set(Office.objects.values_list("name", flat=True))
    names |= {n for n in Office.objects.values_list("short_name", flat=True) if n}
    names |= set(District.objects.values_list("name", flat=True))
    names |= {s.name for s in world.dept_steps + world.review_steps}  # offices' own step names
    names |= set(CaseEvent.objects.values_list("status_text", flat=True))
    names |= {c.applicant.real_name for c in cases}
    # Longest first, so that a name containing another is taken whole.
    return sorted(names | LANGUAGE_NAMES, key=len, reverse=True)


def _han_left(html: str, allowed: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for name in allowed:
        text = text.replace(name, " ")
    return sorted({m.group(0) for m in HAN.finditer(text)})


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.xfail(
    strict=True,
    reason="issue #11 open: office hours, the brand mark, worklist tab/column and statistics "
    "labels and the acting-as label still render in Chinese on English pages",
)
def test_every_journey_page_is_english(world):
    draft = new_case(world, attach=False)
    fill_title(draft)
    submitted = new_case(world, unit=world.soe)
    case_transition(case=submitted, action="submit", actor=submitted.applicant, acting_as=None)
    case_transition(case=submitted, action="forward", actor=world.unit_admin,
                    acting_as=world.unit_acting)  # fmt: skip

    applicant = _english(Client())
    applicant.force_login(world.applicant)
    unit = _english(Client())
    unit.force_login(world.unit_admin)
    act_as(unit, world.unit_acting.grant)
    dept_user, dept_acting = world.officials["dept-sasac"]
    official = _english(office_client(dept_user, dept_acting))
    public = _english(Client())

    pages = {
        public: ["/", "/help/", "/help/offices/", "/accounts/login/", "/accounts/register/"],
        applicant: ["/accounts/", "/cases/", "/cases/new/", f"/cases/{draft.number}/edit/",
                    f"/cases/{draft.number}/", "/accounts/security/"],
        unit: ["/cases/unit/", f"/cases/{submitted.number}/"],
        official: ["/office/", f"/office/cases/{submitted.number}/", "/office/stats/"],
    }  # fmt: skip
    assert roles  # (the acting-as session key is set by the helpers above)
    allowed = _allowed(world, [draft, submitted])
    found = {}
    for client, urls in pages.items():
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            assert '<html lang="en">' in response.content.decode(), url
            left = _han_left(response.content.decode(), allowed)
            if left:
                found[url] = left
    assert found == {}, found
