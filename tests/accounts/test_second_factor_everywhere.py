"""One rule for the second factor (issue #10, finding 1): whoever acts in an official capacity
(an official grant, staff, superuser) and logged in with only a password is refused EVERY URL
pattern of the site and EVERY operation of the API, until the TOTP step is passed.

The walk iterates the resolver itself (so a URL added tomorrow is walked too) and fills the
path parameters with real objects' ids; the API walk reads the ninja OpenAPI schema."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rencai.accounts import roles
from rencai.accounts.models import RoleGrant, User
from rencai.api.urls import api
from rencai.audit.models import AuditEvent
from rencai.cards.services import card_issue
from rencai.cards.tokens import card_token
from rencai.changes.models import ChangeRequest
from rencai.core import clock
from rencai.documents.models import Document, Folder
from rencai.rights.models import UnitAdminRequest
from tests.backoffice.second_factor import mark_second_factor_passed
from tests.cases.factories import build_world, new_case, place

PASSWORD = "Pw@123456"  # tests.cases.factories.person
# The only views open before the code (the step itself, leaving, language, health probe).
# Written out here, not imported: widening the exemptions must fail this test.
EXEMPT_VIEWS = {
    "backoffice:totp_verify",
    "backoffice:totp_enrol",
    "accounts:logout",
    "admin:logout",
    "set_language",
    "healthz",
}
REFUSAL_CODE = "forbidden"
VERIFY = reverse("backoffice:totp_verify")
ENROL = reverse("backoffice:totp_enrol")


# --- the world: one of everything a URL can name ------------------------------------------


@pytest.fixture
def objects(db):
    world = build_world()
    case = place(new_case(world), "under_review")
    document = Document.objects.filter(folder=case.folder).first()
    card = card_issue(
        holder_name="李𠇔华", id_number_masked="4401**********123X", employer=case.unit.name,
        category="职称", issuing_office="广州市天河区人力资源和社会保障局", case=case,
    )  # fmt: skip
    now = clock.now()
    deadline = {"submitted_at": now, "due_date": now.date(), "due_at": now}
    change = ChangeRequest.objects.create(
        number="BG2026000001", kind=ChangeRequest.Kind.UNIT_CONTACT, requester=world.unit_admin,
        acting_unit=world.soe, office=world.office("data-centre"), unit=world.soe,
        folder=Folder.objects.create(owner_kind="unit_contact"), phone="020-12345678",
        **deadline,
    )  # fmt: skip
    admin_request = UnitAdminRequest.objects.create(
        number="QX2026000001", applicant=world.applicant, unit=world.soe,
        office=world.office("dept-sasac"), **deadline,
    )  # fmt: skip
    return {
        "world": world,
        "case": case,
        "document": document,
        "card": card,
        "change": change,
        "admin_request": admin_request,
        "unit_grant": world.unit_acting.grant,
    }


def _password_login(user: User) -> Client:
    """What a person does: the login form with the password, nothing more."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.login_name, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    return client


def _acting_as_office(client: Client, grant: RoleGrant) -> Client:
    # The worst case: the office role is already "acting as" in the session (it was chosen
    # before a re-login, or by a bug); the refusal must not depend on how it got there.
    session = client.session
    session[roles.SESSION_KEY] = grant.pk
    session.save()
    return client


@pytest.fixture
def callers(objects):
    """Password-only sessions of everyone who acts in an official capacity."""
    world = objects["world"]
    official, acting = world.officials["district-440106"]
    official.totp_secret = pyotp.random_base32()
    official.save(update_fields=["totp_secret"])
    never_enrolled, never_acting = world.officials["city-hrss"]
    root = User.objects.create_superuser(
        "root", PASSWORD, mobile="13700000001", totp_secret=pyotp.random_base32()
    )
    return {
        "official acting as its office": (
            _acting_as_office(_password_login(official), acting.grant),
            VERIFY,
        ),
        "official never enrolled, acting as its office": (
            _acting_as_office(_password_login(never_enrolled), never_acting.grant),
            ENROL,
        ),
        "superuser": (_password_login(root), VERIFY),
    }


# --- filling URL patterns ----------------------------------------------------------------

PARAM_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, pieces=(), namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry.url_patterns, pieces + (entry.pattern,), ns)
        else:
            view_name = ":".join(namespaces + (entry.name,)) if entry.name else ""
            yield pieces + (entry.pattern,), view_name


def _admin_object_id(route: str) -> str:
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    model = apps.get_model(match[1], match[2])
    first = model._default_manager.order_by("pk").first()
    return str(first.pk if first else 1)


def _value(name: str, route: str, o: dict) -> str:
    world = o["world"]
    if name == "number":
        if route.startswith("changes/requests/"):
            return o["change"].number
        if route.startswith("changes/unit-admin/"):
            return o["admin_request"].number
        if route.startswith("cards/"):
            return o["card"].number
        return o["case"].number
    user = world.applicant
    values = {
        "name": "oidc",
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": card_token(o["card"].number)
        if route.startswith("cards/")
        else default_token_generator.make_token(user),
        "slug": "faq",
        "unit_id": str(world.private.pk),
        "grant_id": str(o["unit_grant"].pk),
        "public_id": str(o["document"].public_id),
        "variant": "original",
        "key": "review",
        "code": world.private.code,
        "content_type_id": str(ContentType.objects.get_for_model(User).pk),
        # refused before any lookup (the middleware): the row need not exist
        "consent_id": "1",
        "invitation_id": "1",
        "objection_id": "1",
    }
    if name == "object_id":
        return str(user.pk) if route.startswith("admin/r/") else _admin_object_id(route)
    if name not in values:
        pytest.fail(f"URL parameter <{name}> in {route!r}: add a real value to the walk")
    return values[name]


def _fill(pieces, o: dict) -> str:
    route = ""
    for pattern in pieces:
        if isinstance(pattern, RoutePattern):
            text = str(pattern)
            route += PARAM_RE.sub(lambda m: _value(m["name"], route + text, o), text)
        elif isinstance(pattern, RegexPattern):
            groups = pattern.regex.groupindex
            if "app_label" in groups:
                route += "accounts/"
            elif "url" in groups:
                route += "no-such-page/"
            else:
                pytest.fail(f"regex URL pattern {pattern}: teach the walk to fill it")
        else:  # pragma: no cover - Django has only these two
            pytest.fail(f"unknown URL pattern type {type(pattern)}")
    return "/" + route


def _site_urls(o: dict) -> list[tuple[str, str]]:
    seen, urls = set(), []
    for pieces, view_name in _walk(get_resolver().url_patterns):
        url = _fill(pieces, o)
        if url not in seen:
            seen.add(url)
            urls.append((url, view_name))
    return urls


def _api_operations(o: dict) -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    values = {"code": o["world"].private.code}
    operations = []
    for path, methods in schema["paths"].items():
        for method in methods:
            if path.startswith("/api/changes/requests/"):
                number = o["change"].number
            elif path.startswith("/api/changes/unit-admin-requests/"):
                number = o["admin_request"].number
            else:
                number = o["case"].number
            url = re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], number), path)
            operations.append((method.upper(), url))
    return operations


def _assert_refused(response, *, api_call: bool, step: str, cell: str) -> None:
    if api_call:
        assert response.status_code == 403, (cell, response.status_code, response.content[:300])
        body = response.json()
        assert body["code"] == REFUSAL_CODE and body["field"] is None, cell
        assert body["message"].startswith("请先完成动态口令验证"), cell  # Chinese first
    else:
        assert response.status_code == 302, (cell, response.status_code, response.content[:300])
        assert response["Location"].split("?")[0] == step, (cell, response["Location"])


# --- the walks ------------------------------------------------------------------------------


def test_every_url_pattern_refuses_a_password_only_official(objects, callers):
    urls = _site_urls(objects)
    assert len(urls) > 250  # the whole resolver, admin included, not a hand-picked list
    walked = [(url, name) for url, name in urls if name not in EXEMPT_VIEWS]
    cells = 0
    for who, (client, step) in callers.items():
        for url, _name in walked:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                _assert_refused(
                    response,
                    api_call=url.startswith("/api/"),
                    step=step,
                    cell=f"{who} {method.upper()} {url}",
                )
                cells += 1
    print(
        f"\nsecond factor, site walk: {len(walked)} URLs x 2 methods x {len(callers)} callers = {cells} cells refused"
    )  # noqa: E501
    # Nothing happened on the way: no personal data read, the unit admin still a unit admin.
    assert not AuditEvent.objects.filter(event__startswith="pii.").exists()
    objects["unit_grant"].refresh_from_db()
    assert objects["unit_grant"].revoked_at is None


def test_every_api_operation_refuses_a_password_only_official(objects, callers):
    operations = _api_operations(objects)
    assert len(operations) >= 20
    cells = 0
    for who, (client, _step) in callers.items():
        for method, url in operations:
            response = client.generic(method, url, data="{}", content_type="application/json")
            _assert_refused(response, api_call=True, step="", cell=f"{who} {method} {url}")
            cells += 1
    print(
        f"\nsecond factor, API walk: {len(operations)} operations x {len(callers)} callers = {cells} cells refused"
    )  # noqa: E501
    assert not AuditEvent.objects.filter(event__startswith="pii.").exists()


def test_the_findings_own_requests_are_refused(objects, callers):
    """The exact requests of the report: switch to the office role, read status and
    attachments, download the card, open change/rights requests, revoke a unit admin."""
    client, step = callers["official acting as its office"]
    number = objects["case"].number
    official_grant = RoleGrant.objects.get(
        user=client.session["_auth_user_id"], role=RoleGrant.Role.OFFICIAL
    )
    response = client.post(reverse("accounts:switch"), {"grant": official_grant.pk})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    for url in (f"/api/cases/{number}/status", f"/api/cases/{number}/attachments"):
        assert client.get(url).status_code == 403
    for url in (
        reverse("cards:download", args=[objects["card"].number]),
        reverse("changes:detail", args=[objects["change"].number]),
        reverse("rights:detail", args=[objects["admin_request"].number]),
    ):
        assert client.get(url)["Location"].startswith(VERIFY)
    revoke = reverse("rights:revoke", args=[objects["unit_grant"].pk])
    assert client.post(revoke, {"reason": "测试"})["Location"].startswith(VERIFY)
    objects["unit_grant"].refresh_from_db()
    assert objects["unit_grant"].revoked_at is None


def test_the_step_itself_and_leaving_stay_open(objects, callers):
    client, _step = callers["official acting as its office"]
    assert client.get(VERIFY).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    client, _step = callers["official never enrolled, acting as its office"]
    assert client.get(ENROL).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_after_the_second_factor_the_same_requests_go_through(objects, callers):
    client, _step = callers["official acting as its office"]
    official_id = int(client.session["_auth_user_id"])
    mark_second_factor_passed(client, User.objects.get(pk=official_id))
    grant = RoleGrant.objects.get(user_id=official_id, role=RoleGrant.Role.OFFICIAL)
    response = client.post(reverse("accounts:switch"), {"grant": grant.pk})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:dashboard")
    assert client.get(reverse("backoffice:case", args=[objects["case"].number])).status_code == 200


def test_people_acting_for_themselves_or_a_unit_are_not_asked(objects):
    world = objects["world"]
    applicant = _password_login(world.applicant)
    assert applicant.get(reverse("cases:mine")).status_code == 200
    assert applicant.get(f"/api/cases/{objects['case'].number}/status").status_code == 200
    unit_admin = _acting_as_office(_password_login(world.unit_admin), world.unit_acting.grant)
    assert unit_admin.get("/api/cases/unit/worklist").status_code == 200


# --- the API's reads of personal data are audited as the pages' are ----------------------


def test_api_reads_of_a_case_are_audited_like_the_office_page(objects):
    world = objects["world"]
    case = objects["case"]
    official, acting = world.officials["district-440106"]
    client = _acting_as_office(_password_login(official), acting.grant)
    mark_second_factor_passed(client, official)
    for url in (
        f"/api/cases/{case.number}",
        f"/api/cases/{case.number}/status",
        f"/api/cases/{case.number}/attachments",
        reverse("backoffice:case", args=[case.number]),
    ):
        before = AuditEvent.objects.filter(event="pii.case_view").count()
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        rows = AuditEvent.objects.filter(event="pii.case_view").order_by("-pk")
        assert rows.count() == before + 1, url
        row = rows.first()
        assert row.actor_id == official.pk and row.detail == case.number, url
