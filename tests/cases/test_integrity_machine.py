"""Issue #9: a stateful property test of the case rules through the real interfaces.

A hypothesis RuleBasedStateMachine drives the pages and the API (Django test client)
with several applicants (one of them under 「已禁止再报」), units on both routes in two
districts, a unit admin and officials of every office on the routes, and sends duplicate
and retried requests (the same form token, the same Idempotency-Key, a stale or repeated
expected_version). After every step: nobody has two open applications or two valid
cards, no lift is used twice, no person has two unused lifts, and no request got a 5xx.

Attachments are put in place with the factories' helper (the upload page has its own
tests); everything else goes through HTTP. Real concurrency (threads) is in
test_integrity.py: here the duplicates are sequential, which keeps a run well under a
minute (max_examples × stateful_step_count below).
"""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from rencai.cards.models import Card
from rencai.cases import workflow
from rencai.cases.models import Case, HistoricalSettlement, ReapplyLift
from rencai.cases.services import deadlines_fire
from rencai.core import clock
from rencai.orgs.models import Unit
from tests.cases.apply_helpers import act_as, catalog, media, office_client, registered
from tests.cases.factories import attach_required, build_world, official, unit

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]

OPEN = set(workflow.STATES) - set(workflow.TERMINAL)
OFFICE_ACTIONS = ("accept", "approve", "return", "reject", "send_back_step")
_tokens = itertools.count()


def _ok(response) -> None:
    assert response.status_code < 500, response.content.decode()[:500]


def _post_json(client, url, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, body, content_type="application/json", headers=headers)


class World:
    """Built once per test; each example adds its own applicants (its invariants cover
    every row, so earlier examples' rows are checked too)."""

    def __init__(self):
        self.base = build_world()
        self.units = [
            self.base.private,
            self.base.soe,
            unit(nature=Unit.Nature.PRIVATE, level=Unit.Level.DISTRICT, district="440104"),
        ]
        self.offices = {
            code: office_client(user, acting)
            for code, (user, acting) in self.base.officials.items()
            if code != "stranger"
        }
        self.second_window = office_client(*official("district-440106"))
        self.unit_admin = Client()
        self.unit_admin.force_login(self.base.unit_admin)
        act_as(self.unit_admin, self.base.unit_acting.grant)


class CaseRules(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        self.people = []
        for n in range(3):
            user, _number = registered(f"申请人{n}")
            client = Client()
            client.force_login(user)
            self.people.append({"user": user, "client": client, "token": None, "key": None})
        blocked = self.people[0]["user"]  # moved in before: 「已禁止再报」
        HistoricalSettlement.objects.create(
            id_number_index=blocked.id_number_index, year=2019, source="legacy",
            recorded_at=clock.now(),
        )  # fmt: skip

    # --- helpers -----------------------------------------------------------------------

    def _open(self, who) -> Case | None:
        return (
            Case.objects.filter(applicant=self.people[who]["user"], status__in=OPEN)
            .order_by("id")
            .first()
        )

    # --- the applicant -----------------------------------------------------------------

    @rule(who=st.integers(0, 2), unit_index=st.integers(0, 2), resend=st.booleans())
    def start_on_the_page(self, who, unit_index, resend):
        person = self.people[who]
        if not resend or person["token"] is None:
            person["token"] = f"t{next(_tokens)}"
        body = {
            "category": "title",
            "unit": self.world.units[unit_index].pk,
            "form_token": person["token"],
        }
        _ok(person["client"].post("/cases/new/", body))

    @rule(who=st.integers(0, 2), unit_index=st.integers(0, 2), retry=st.booleans())
    def start_through_the_api(self, who, unit_index, retry):
        person = self.people[who]
        if not retry or person["key"] is None:
            person["key"] = f"k{next(_tokens)}"
        body = {"category": "title", "unit": self.world.units[unit_index].code}
        _ok(_post_json(person["client"], "/api/cases/", body, key=person["key"]))

    def _complete(self, who, case):
        from rencai.catalog.models import TitleSeries

        series = TitleSeries.objects.order_by("pk").first()
        body = {"title_series": series.code, "qualification_name": "工程师",
                "certificate_number": "GC1"}  # fmt: skip
        response = self.people[who]["client"].patch(
            f"/api/cases/{case.number}", body, content_type="application/json"
        )
        _ok(response)
        if not case.folder.documents.exists():
            attach_required(case)

    @rule(who=st.integers(0, 2), twice=st.booleans())
    def complete_and_submit(self, who, twice):
        case = self._open(who)
        if case is None:
            return
        if case.status in ("draft", "returned") and case.certificate_number != "GC1":
            self._complete(who, case)
        url = f"/api/cases/{case.number}/submit"
        for _ in range(2 if twice else 1):  # a retried request: replayed, not applied twice
            _ok(_post_json(self.people[who]["client"], url, {"expected_version": case.version}))

    @rule(who=st.integers(0, 2))
    def withdraw(self, who):
        case = self._open(who)
        if case is None:
            return
        body = {"action": "withdraw", "expected_version": case.version}
        _ok(self.people[who]["client"].post(f"/cases/{case.number}/act/", body))

    @rule(who=st.integers(0, 2))
    def reopen(self, who):
        case = (
            Case.objects.filter(applicant=self.people[who]["user"], status="withdrawn")
            .order_by("-id")
            .first()
        )
        if case is None:
            return
        body = {"action": "reopen", "expected_version": case.version}
        _ok(self.people[who]["client"].post(f"/cases/{case.number}/act/", body))

    # --- unit admin and offices ----------------------------------------------------------

    @rule(stale=st.booleans())
    def unit_forwards(self, stale):
        case = Case.objects.filter(unit=self.world.base.soe, status="unit_review").first()
        if case is None:
            return
        body = {"action": "forward", "expected_version": case.version - int(stale)}
        _ok(_post_json(self.world.unit_admin, f"/api/cases/{case.number}/transitions", body))

    @rule(
        action=st.sampled_from(OFFICE_ACTIONS),
        pick=st.integers(0, 5),
        how=st.sampled_from(["version", "stale", "key-twice"]),
    )
    def office_acts(self, action, pick, how):
        held = list(
            Case.objects.filter(holding_office__isnull=False, status__in=OPEN)
            .select_related("holding_office")
            .order_by("id")
        )
        held = [c for c in held if c.holding_office.code in self.world.offices]
        if not held:
            return
        case = held[pick % len(held)]
        client = self.world.offices[case.holding_office.code]
        url = f"/api/cases/{case.number}/transitions"
        body = {"action": action, "reason": "核查意见"}
        if how == "key-twice":
            key = f"o{next(_tokens)}"
            _ok(_post_json(client, url, body, key=key))
            _ok(_post_json(client, url, body, key=key))
        else:
            version = case.version - (1 if how == "stale" else 0)
            _ok(_post_json(client, url, {**body, "expected_version": version}))

    @rule()
    def deadlines_pass(self):
        due = Case.objects.filter(due_at__isnull=False).order_by("due_at").first()
        if due is None:
            return
        with clock.frozen(due.due_at):
            deadlines_fire(batch=50)

    @rule(window=st.booleans())
    def lift_the_block(self, window):
        blocked = self.people[0]["user"]
        client = self.world.offices["district-440106"] if window else self.world.second_window
        body = {"step": "lift", "id_number": blocked.reveal_id_number(), "reason": "核实后开通"}
        _ok(client.post(reverse("backoffice:reapply"), body))

    # --- the invariants ------------------------------------------------------------------

    @invariant()
    def one_open_case_per_person(self):
        for person in self.people:
            assert Case.objects.filter(applicant=person["user"], status__in=OPEN).count() <= 1

    @invariant()
    def one_valid_card_per_person(self):
        for person in self.people:
            valid = Card.objects.filter(case__applicant=person["user"], revoked_at__isnull=True)
            assert valid.count() <= 1

    @invariant()
    def no_lift_used_twice(self):
        for lift in ReapplyLift.objects.all():
            assert Case.objects.filter(reapply_lift=lift).count() <= 1
        blocked = self.people[0]["user"]
        assert ReapplyLift.objects.filter(person=blocked, used_at__isnull=True).count() <= 1


def test_case_rules_hold_through_pages_and_api(db, settings_fast_hash):
    CaseRules.world = World()
    run_state_machine_as_test(
        CaseRules,
        settings=settings(
            max_examples=30,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        ),
    )


@pytest.fixture
def settings_fast_hash(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
