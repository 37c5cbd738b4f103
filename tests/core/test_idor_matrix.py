"""Object-level permission: every URL that names an object, asked by everyone who has no
relation to that object, is refused (404 for what isn't yours, or the login/second-factor
page for the anonymous) — and the owner and the holding office, asked the same way, get it.

The URL list comes from the resolver and the API's OpenAPI document, so a new route with an
object in its path is in the matrix without anyone adding it here; a route whose parameters
this test cannot fill fails the completeness check instead of passing unseen.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rencai.accounts.models import RoleGrant
from rencai.cards.models import Card
from rencai.changes.services import change_request_unit_new
from rencai.documents.models import Document
from rencai.orgs.models import District, Unit
from tests.backoffice.second_factor import mark_second_factor_passed
from tests.cases.apply_helpers import act_as, catalog, media, png_file  # noqa: F401
from tests.cases.factories import build_world, credit_code, new_case, person, place

REFUSED = {403, 404, 405}
#: Routes with an object in the path that are public by design (anyone may see them).
PUBLIC = {
    "accounts/login/external/<slug:name>/",
    "accounts/login/external/<slug:name>/callback/",
    "accounts/reset/<uidb64>/<token>/",
    "help/a/<slug:slug>/",
    "units/<int:unit_id>/",
    "cards/verify/<str:token>/",
    "notice/<str:number>/objection/",
    "office/queue/<slug:key>/",
    "api/units/by-code/{code}",
    "api/units/by-code/<code>",
}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def object_routes() -> list[str]:
    routes = {r for r in _routes(get_resolver().url_patterns) if "<" in r}
    return sorted(r for r in routes if not r.startswith("admin/") and r not in PUBLIC)


def api_operations() -> list[tuple[str, str]]:
    from rencai.api.urls import api

    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        if "{" not in path or path.lstrip("/") in PUBLIC:
            continue
        for method in methods:
            ops.append((method.upper(), path))
    return ops


class Objects:
    """The victim's objects, and how to fill each path parameter with one of them."""

    def __init__(self, world, victim_client):
        self.world = world
        # the closed case with its card first: one open application per person
        self.card_case = new_case(world, attach=False)
        place(self.card_case, "card_issued")
        from rencai.cards.services import card_issue

        self.card = card_issue(
            holder_name=world.applicant.real_name,
            id_number_masked=world.applicant.id_number_masked,
            employer=world.private.name,
            category="title",
            issuing_office="测试",
            case=self.card_case,
        )
        self.case = new_case(world, attach=False)
        victim_client.force_login(world.applicant)
        act_as(victim_client, None)
        from rencai.cases.requirements import required_attachments

        requirement = required_attachments(self.case)[0]
        r = victim_client.post(
            f"/cases/{self.case.number}/attachments/",
            {"type_code": requirement.type_code, "file": png_file()},
        )
        assert r.status_code == 302, r.content[:500]
        self.document = Document.objects.get(folder=self.case.folder)
        place(self.case, "under_review")
        self.change = change_request_unit_new(
            requester=world.applicant,
            name="受害人新增的单位",
            code=credit_code(),
            nature=Unit.Nature.PRIVATE,
            level=Unit.Level.DISTRICT,
            district=District.objects.get(code="440106"),
            confirm_new=True,
            files={"business_licence": png_file("licence.png")},
        )
        self.admin_grant = world.unit_acting.grant
        from rencai.cases.models import UnitConsent, UnitInvitation
        from rencai.core import clock
        from rencai.notice.models import Objection

        now = clock.now()
        applicant = world.applicant
        self.consent = UnitConsent.objects.create(
            person=applicant, unit=world.private, granted_at=now
        )
        self.invitation = UnitInvitation.objects.create(
            unit=world.soe, id_number_index=applicant.id_number_index or "x",
            id_number_masked=applicant.id_number_masked, category="title",
            invited_by=world.unit_admin, created_at=now,
        )  # fmt: skip
        from rencai.support.selectors import context_for_case
        from rencai.support.services import ticket_open

        self.ticket = ticket_open(
            user=applicant, topic="status", body="状态空白",
            context=context_for_case(number=self.case.number, user=applicant, acting_as=None),
        )  # fmt: skip
        self.objection = Objection.objects.create(
            case=self.case, contact_name="异议人", contact_phone="13900001111", text="异议",
            filed_at=now,
        )  # fmt: skip

    def fill(self, route: str, *, ghost: bool = False) -> str | None:
        """The route naming the victim's object — or, with `ghost`, one that does not exist."""
        number = self.change.number if route.startswith(("changes/", "api/changes/")) else None
        if route.startswith(("cards/", "api/cards")):
            number = self.card.number
        tickets = ("support/t/", "support/office/t/", "api/support/tickets/")
        if route.startswith((*tickets, "api/support/office/tickets/")):
            number = self.ticket.number  # a ticket of the victim's (rencai.support)
        values = {
            "number": number or self.case.number,
            "public_id": str(self.document.public_id),
            "variant": "original",
            "grant_id": str(self.admin_grant.pk),
            "consent_id": str(self.consent.pk),
            "invitation_id": str(self.invitation.pk),
            "objection_id": str(self.objection.pk),
            # a step of the victim's case to rate (rencai.support): its latest history row
            "key": f"c{self.case.events.order_by('-pk').values_list('pk', flat=True).first() or 1}",
        }
        if ghost:
            values.update(
                number="RC2099-999999" if "case" in route else "BG2099-999999",
                public_id="00000000-0000-4000-8000-000000000000",
                grant_id="999999",
                consent_id="999999",
                invitation_id="999999",
                objection_id="999999",
                key="c999999",
            )
            if route.startswith(("cards/", "api/cards")):
                values["number"] = "GZRK2099999999"

        def sub(match):
            name = match.group(1).split(":")[-1]
            return values.get(name, "\0")

        path = "/" + re.sub(r"[<{]([^>}]+)[>}]", sub, route.lstrip("/"))
        return None if "\0" in path else path


def strangers(world):
    """Everyone with no relation to the victim's objects, each in a ready client."""
    other = person("旁人")
    clients = {"anonymous": Client()}
    c = Client()
    c.force_login(other)
    act_as(c, None)
    clients["other applicant"] = c
    c = Client()
    c.force_login(world.unit_admin)
    act_as(c, world.unit_acting.grant)
    clients["unit admin of another unit"] = c
    for label, code in (
        ("window of another district", "district-440104"),
        ("supervisory department", "dept-sasac"),
        ("city bureau (case held by a district)", "city-hrss"),
    ):
        user, acting = world.officials[code]
        c = Client()
        c.force_login(user)
        act_as(c, acting.grant)
        mark_second_factor_passed(c, user)
        clients[label] = c
    centre = person("数据中心")
    grant = RoleGrant.objects.create(
        user=centre, role=RoleGrant.Role.OFFICIAL, office=world.office("data-centre")
    )
    c = Client()
    c.force_login(centre)
    act_as(c, grant)
    mark_second_factor_passed(c, centre)
    clients["data service centre"] = c
    return clients


def refused(response, ghost) -> bool:
    """Refused, or answered exactly as for an object that does not exist (no oracle)."""
    if response.status_code in REFUSED:
        return True
    target = response.headers.get("Location", "")
    if response.status_code == 302 and ("/accounts/login" in target or "/office/2fa" in target):
        return True
    if response.status_code < 300 and response.status_code != 204:
        return False
    if response.status_code == ghost.status_code and response.status_code != 302:
        return True
    if response.status_code == 302 and ghost.status_code == 302:
        # the same redirect as for a made-up object (e.g. an official sent to the office page)
        shape = re.sub(r"RC\d{4}-\d{6}", "N", response.headers.get("Location", ""))
        return shape == re.sub(r"RC\d{4}-\d{6}", "N", ghost.headers.get("Location", ""))
    return False


def ask(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    if method == "POST" and not path.startswith("/api/"):
        return client.post(path, {})
    return client.generic(method, path, "{}", content_type="application/json")


@pytest.mark.django_db
def test_nobody_without_a_relation_reaches_an_object(media, catalog):  # noqa: F811
    world = build_world()
    victim = Client()
    objects = Objects(world, victim)
    cells, wrong, unfilled = 0, [], []
    targets = [("GET", r) for r in object_routes()] + [("POST", r) for r in object_routes()]
    targets += [(m, "api/" + p.lstrip("/").removeprefix("api/")) for m, p in api_operations()]
    for label, client in strangers(world).items():
        for method, route in targets:
            if label == "data service centre" and "changes/" in route:
                continue  # the centre holds reference-data change requests: not a stranger
            if label == "supervisory department" and "grants/" in route:
                continue  # it approved (and may revoke) the SOE's unit-admin grant
            path = objects.fill(route)
            if path is None:
                unfilled.append(route)
                continue
            response, ghost = (
                ask(client, method, p) for p in (path, objects.fill(route, ghost=True))
            )
            cells += 1
            if not refused(response, ghost):
                wrong.append(f"{label} {method} {path} -> {response.status_code}")
    assert not unfilled, f"routes this matrix cannot fill: {sorted(set(unfilled))}"
    assert cells >= 300
    assert wrong == [], "\n".join(wrong)
    print(f"IDOR matrix: {cells} cells, {len(wrong)} wrong")


@pytest.mark.django_db
def test_the_owner_and_the_holding_office_do_reach_them(media, catalog):  # noqa: F811
    """The control: the same paths are real (else the matrix above would prove nothing)."""
    world = build_world()
    victim = Client()
    objects = Objects(world, victim)
    n = objects.case.number
    for path in (
        f"/cases/{n}/",
        f"/api/cases/{n}",
        f"/api/cases/{n}/status",
        f"/api/cases/{n}/attachments",
        f"/cards/{objects.card.number}/download/",
        f"/changes/requests/{objects.change.number}/",
        f"/support/t/{objects.ticket.number}/",
        f"/api/support/tickets/{objects.ticket.number}",
        f"/api/support/cases/{n}/steps",
    ):
        assert victim.get(path).status_code == 200, path
    user, acting = world.officials["district-440106"]
    office = Client()
    office.force_login(user)
    act_as(office, acting.grant)
    mark_second_factor_passed(office, user)
    assert office.get(f"/office/cases/{n}/").status_code == 200
    ticket = objects.ticket.number
    assert office.get(f"/support/office/t/{ticket}/").status_code == 200
    assert office.get(f"/api/support/office/tickets/{ticket}").status_code == 200
    doc = objects.document.public_id
    assert office.get(f"/office/cases/{n}/files/{doc}/original/").status_code == 200
    assert Card.objects.filter(pk=objects.card.pk).exists()
