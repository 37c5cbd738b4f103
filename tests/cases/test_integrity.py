"""Issue #9, findings 1, 2, 3 and 10: the case rules hold on every path, and the database
enforces them. Through HTTP (pages and the project API); "at once" is real concurrency:
threads, each with its own database connection (SQLite WAL file and PostgreSQL).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from rencai.cases import api as case_api
from rencai.cases import services, workflow
from rencai.cases.models import Case, ReapplyLift
from rencai.core import clock
from rencai.core.errors import Conflict
from tests.cases.apply_helpers import catalog, media, office_client, valid_id
from tests.cases.factories import new_case, official, person, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]


# --- helpers ----------------------------------------------------------------------------


def at_once(*calls):
    """Run the calls in threads released together; each closes its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_json(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", headers=headers)


OPEN = set(workflow.STATES) - set(workflow.TERMINAL)


def open_cases(user) -> list[Case]:
    return list(Case.objects.filter(applicant=user, status__in=OPEN))


def key_rows() -> int:
    from rencai.cases.models import IdempotencyKey  # (lazily: the file runs on 2ff1af0 too)

    return IdempotencyKey.objects.count()


# --- finding 1: one open application per person -----------------------------------------


def test_open_states_are_the_workflow_tables_non_terminal_states():
    assert set(Case.OPEN_STATUSES) == OPEN


@pytest.mark.parametrize("same_token", [False, True], ids=["two-tabs", "double-click"])
def test_two_concurrent_new_case_posts_create_one_draft(transactional_db, world, same_token):
    """Finding 1 (two drafts from two POSTs at once) and 2 (the page's one-time token)."""
    clients = [logged_in(world.applicant) for _ in range(2)]
    tokens = ["tok-a", "tok-a" if same_token else "tok-b"]
    body = {"category": "title", "unit": world.private.pk}
    responses = at_once(
        *(
            lambda c=c, t=t: c.post("/cases/new/", {**body, "form_token": t})
            for c, t in zip(clients, tokens, strict=True)
        )
    )
    (draft,) = open_cases(world.applicant)
    codes = sorted(r.status_code for r in responses)
    edit = f"/cases/{draft.number}/edit/"
    if same_token:  # the resent form opens the draft the first one created
        assert codes == [302, 302] and {r["Location"] for r in responses} == {edit}
    else:
        assert codes == [302, 409]
        refused = next(r for r in responses if r.status_code == 409).content.decode()
        assert draft.number in refused and "同一时间只能有一份" in refused


def test_a_second_application_is_refused_on_every_path_naming_the_open_one(client, world):
    world.applicant.set_id_number(valid_id())  # (the factories' numbers are not valid dates)
    world.applicant.save()
    case = place(new_case(world), "awaiting_acceptance")
    client.force_login(world.applicant)
    page = client.get("/cases/new/").content.decode()
    assert case.number in page and "同一时间只能有一份" in page
    response = client.post("/cases/new/", {"category": "skill", "unit": world.private.pk})
    assert response.status_code == 409 and case.number in response.content.decode()
    response = post_json(client, "/api/cases/", {"category": "skill", "unit": world.private.code})
    assert response.status_code == 409
    assert (
        response.json()["code"] == "open_case_exists" and case.number in response.json()["message"]
    )
    # A unit admin cannot plant a second one either: the start is only an invitation the
    # person must accept (and accepting is refused while a case is open); the number of
    # another unit's case is not told to them.
    from tests.cases.apply_helpers import act_as

    admin = Client()
    admin.force_login(world.unit_admin)
    act_as(admin, world.unit_acting.grant)
    response = post_json(
        admin, "/api/cases/unit/start",
        {"id_number": world.applicant.reveal_id_number(), "category": "title"},
    )  # fmt: skip
    assert response.status_code == 202 and case.number not in response.content.decode()
    assert len(open_cases(world.applicant)) == 1


def test_reopen_is_refused_while_another_case_is_open(client, world):
    withdrawn = place(new_case(world), "withdrawn")
    client.force_login(world.applicant)
    response = client.post("/cases/new/", {"category": "skill", "unit": world.private.pk})
    assert response.status_code == 302
    (second,) = open_cases(world.applicant)
    response = client.post(
        f"/cases/{withdrawn.number}/act/",
        {"action": "reopen", "expected_version": 1},
        follow=True,
    )
    assert response.redirect_chain[-1][1] == 302 and second.number in response.content.decode()
    withdrawn.refresh_from_db()
    assert withdrawn.status == "withdrawn"


def test_the_database_refuses_a_second_open_case_whatever_the_path(world):
    from django.db import IntegrityError, transaction

    new_case(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        services.case_create(applicant=world.applicant, unit=world.private, category="skill")


def test_officials_see_the_applicants_other_cases(world):
    earlier = place(new_case(world), "rejected")
    Case.objects.filter(pk=earlier.pk).update(holding_office=world.office("district-440104"))
    case = place(new_case(world), "awaiting_acceptance")
    user, acting = world.officials["district-440106"]
    html = office_client(user, acting).get(reverse("backoffice:case", args=[case.number]))
    html = html.content.decode()
    assert "该申请人的其他申请" in html and earlier.number in html and "不予通过" in html
    assert "广州市越秀区人力资源和社会保障局" in html


def test_migration_closes_duplicate_open_cases_and_lifts(transactional_db, world):
    """0007 must not fail on a database that already holds duplicates (finding 1, 3)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    dup = person("重复")
    before = [("cases", "0006_case_unit_changeable")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        user, shared, newest, draft, submitted = _duplicates(apps, dup)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    kept = Case.objects.get(pk=submitted)
    assert kept.status == "under_review"
    closed = Case.objects.filter(applicant_id=user).exclude(pk=kept.pk)
    assert len(closed) == 2 and {c.status for c in closed} == {"withdrawn"}
    assert all(kept.number in c.events.get().reason for c in closed)
    # The lift stays with its first case; of the unused ones only the newest stays unused.
    assert list(Case.objects.filter(reapply_lift_id=shared).values_list("pk", flat=True)) == [draft]
    unused = ReapplyLift.objects.filter(person_id=user, used_at__isnull=True)
    assert [lift.pk for lift in unused] == [newest]


def _duplicates(apps, dup):
    """Rows 0006 allowed: three open cases of one person, a lift used twice, two spare."""
    Folder = apps.get_model("documents", "Folder")
    Unit = apps.get_model("orgs", "Unit")
    Office = apps.get_model("orgs", "Office")
    OldCase = apps.get_model("cases", "Case")
    Settlement = apps.get_model("cases", "HistoricalSettlement")
    Lift = apps.get_model("cases", "ReapplyLift")
    unit = Unit.objects.order_by("pk").first()
    office = Office.objects.get(code="district-440106")
    user = apps.get_model("accounts", "User").objects.only("pk").get(pk=dup.pk)
    now = clock.now()

    def old_case(n, status, submitted=None, lift=None):
        return OldCase.objects.create(
            number=f"RCMIG-{n}", applicant=user, created_by=user, category="title", unit=unit,
            folder=Folder.objects.create(owner_kind="case"), status=status,
            created_at=now + timedelta(seconds=n), submitted_at=submitted, reapply_lift=lift,
        )  # fmt: skip

    settlement = Settlement.objects.create(
        id_number_index=dup.id_number_index, year=2019, source="legacy", recorded_at=now
    )
    lift_kw = dict(settlement=settlement, office=office, lifted_by=user, reason="r")
    shared = Lift.objects.create(lifted_at=now, **lift_kw)
    Lift.objects.create(lifted_at=now, **lift_kw)
    newest = Lift.objects.create(lifted_at=now + timedelta(minutes=1), **lift_kw)
    draft = old_case(1, "draft", lift=shared)
    submitted = old_case(2, "under_review", submitted=now, lift=shared)
    old_case(3, "draft")
    return user.pk, shared.pk, newest.pk, draft.pk, submitted.pk


# --- finding 2: the API's Idempotency-Key -------------------------------------------------


def test_same_idempotency_key_twice_at_once_creates_one_case(transactional_db, world):
    body = {"category": "title", "unit": world.private.code, "qualification_name": "工程师"}
    clients = [logged_in(world.applicant) for _ in range(2)]
    first, second = at_once(
        *(
            lambda c=c: post_json(c, "/api/cases/", body, **{"Idempotency-Key": "k-1"})
            for c in clients
        )
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Case.objects.filter(applicant=world.applicant).count() == 1
    # A retry later: the same status and body, marked as a replay.
    again = post_json(clients[0], "/api/cases/", body, **{"Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    # The same key with another body is refused and does nothing.
    other = post_json(clients[0], "/api/cases/", {**body, "category": "skill"},
                      **{"Idempotency-Key": "k-1"})  # fmt: skip
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert Case.objects.filter(applicant=world.applicant).count() == 1
    # Keys are per user: another person's same key is their own request.
    stranger = logged_in(person("别人"))
    response = post_json(stranger, "/api/cases/", body, **{"Idempotency-Key": "k-1"})
    assert response.status_code == 201 and response.json()["number"] != first.json()["number"]
    assert key_rows() == 2


def test_a_refused_request_stores_nothing_and_may_be_retried(client, world):
    client.force_login(world.applicant)
    bad = {"category": "title", "unit": "随便公司"}
    response = post_json(client, "/api/cases/", bad, **{"Idempotency-Key": "k-2"})
    assert response.status_code == 400 and key_rows() == 0
    response = post_json(client, "/api/cases/", {**bad, "unit": world.private.code},
                         **{"Idempotency-Key": "k-2"})  # fmt: skip
    assert response.status_code == 201


# --- finding 3: one lift, one application, no banner over it ------------------------------


def _settled_person():
    from rencai.cases.models import HistoricalSettlement

    user = person("已入户")
    user.set_id_number(valid_id())
    user.save()
    HistoricalSettlement.objects.create(
        id_number_index=user.id_number_index, year=2019, source="legacy", recorded_at=clock.now()
    )
    return user


def _lift(client, user, reason="核实后开通"):
    return client.post(
        reverse("backoffice:reapply"),
        {"step": "lift", "id_number": user.reveal_id_number(), "reason": reason},
    )


def test_no_second_lift_while_the_lifted_application_is_open_and_no_block_banner(world):
    user = _settled_person()
    window = office_client(*world.officials["district-440106"])
    assert _lift(window, user).status_code == 200
    applicant = logged_in(user)
    response = applicant.post("/cases/new/", {"category": "title", "unit": world.private.pk})
    assert response.status_code == 302
    (case,) = open_cases(user)
    assert case.reapply_lift is not None
    # Another window tries to lift again while the lifted application is open.
    city = office_client(*official("city-hrss"))
    refused = _lift(city, user, "再次开通")
    assert refused.status_code == 409 and case.number in refused.content.decode()
    assert ReapplyLift.objects.filter(settlement__id_number_index=user.id_number_index).count() == 1
    # The owner's page: the lifted application, without the red 「已禁止再报」 above it.
    page = applicant.get("/cases/").content.decode()
    assert case.number in page and "已禁止再报" not in page


def test_two_lifts_at_once_make_one(transactional_db, world):
    from rencai.cases.reapply import reapply_lift

    user = _settled_person()
    officials = [world.officials["district-440106"][0], official("city-hrss")[0]]

    def lift(who):
        try:
            return reapply_lift(person=user, official=who, reason="并发开通")
        except Conflict as exc:
            return exc.code

    results = at_once(*(lambda o=o: lift(o) for o in officials))
    assert sum(isinstance(r, ReapplyLift) for r in results) == 1
    assert "already_lifted" in results
    assert ReapplyLift.objects.filter(person=user, used_at__isnull=True).count() == 1
    assert ReapplyLift.objects.filter(settlement__id_number_index=user.id_number_index).count() == 1


# --- finding 10: transitions through the API ----------------------------------------------


def test_a_transition_must_carry_the_version_or_a_key(world):
    case = place(new_case(world), "awaiting_acceptance")
    client = office_client(*world.officials["district-440106"])
    url = f"/api/cases/{case.number}/transitions"
    response = post_json(client, url, {"action": "accept"})
    assert response.status_code == 400 and response.json()["field"] == "expected_version"
    case.refresh_from_db()
    assert case.status == "awaiting_acceptance"
    response = post_json(client, url, {"action": "accept"}, **{"Idempotency-Key": "acc-1"})
    assert response.status_code == 200 and response.json()["status"] == "under_review"
    retried = post_json(client, url, {"action": "accept"}, **{"Idempotency-Key": "acc-1"})
    assert retried.status_code == 200 and retried.json() == response.json()
    assert case.events.filter(action="accept").count() == 1
    applicant = logged_in(case.applicant)
    response = post_json(applicant, f"/api/cases/{case.number}/withdraw", {})
    assert response.status_code == 400 and response.json()["field"] == "expected_version"


def test_two_approvals_at_once_move_the_case_one_step(transactional_db, world, monkeypatch):
    """Two officials approve step 1 at once, each with its own Idempotency-Key and no
    version: both read version 1 before either writes (a barrier, not a sleep, so a
    loaded machine cannot serialise them), and the second gets 409."""
    case = place(new_case(world, unit=world.soe), "dept_review", step=world.dept_steps[0])
    first = office_client(*world.officials["dept-sasac"])
    second = office_client(*official("dept-sasac"))

    both_read = threading.Barrier(2, timeout=30)
    read_case = case_api._get_case

    def counted_read(*args, **kwargs):  # each request reads the version, then waits for the other
        found = read_case(*args, **kwargs)
        both_read.wait()
        return found

    url = f"/api/cases/{case.number}/transitions"
    with monkeypatch.context() as patched:
        patched.setattr(case_api, "_get_case", counted_read)
        responses = at_once(
            lambda: post_json(first, url, {"action": "approve"}, **{"Idempotency-Key": "a"}),
            lambda: post_json(second, url, {"action": "approve"}, **{"Idempotency-Key": "b"}),
        )
    assert sorted(r.status_code for r in responses) == [200, 409]
    case.refresh_from_db()
    assert (case.status, case.chain_step_id, case.version) == (
        "dept_review", world.dept_steps[1].pk, 2,
    )  # fmt: skip
    # With the version: a second approval on the same version is 409 too.
    third = office_client(*official("dept-sasac"))
    late = post_json(third, url, {"action": "approve", "expected_version": 1})
    assert late.status_code == 409 and late.json()["code"] == "stale"


def test_return_and_reroute_through_the_api_answer_with_the_new_status(world):
    window = office_client(*world.officials["district-440106"])
    case = place(new_case(world), "awaiting_acceptance")
    response = post_json(
        window, f"/api/cases/{case.number}/transitions",
        {"action": "return", "reason": "材料不清晰", "expected_version": 1},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "returned" and response.json()["actions"] == []
    other = place(new_case(world), "awaiting_acceptance")
    response = post_json(
        window, f"/api/cases/{other.number}/transitions",
        {"action": "reroute", "reason": "单位实际在越秀区", "expected_version": 1,
         "target_office": "district-440104"},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "awaiting_acceptance" and "越秀区" in data["holding_office"]
    assert data["version"] == 2


def test_idempotency_keys_expire_after_a_day_by_the_worker(client, world, settings):
    from rencai.core.worker import run_once

    assert "rencai.cases.idempotency.keys_expire" in settings.RENCAI_WORKER_SWEEPS
    client.force_login(world.applicant)
    body = {"category": "title", "unit": world.private.code}
    assert post_json(client, "/api/cases/", body, **{"Idempotency-Key": "k-3"}).status_code == 201
    with clock.frozen(clock.now() + timedelta(hours=23)):
        assert run_once(batch=10)["rencai.cases.idempotency.keys_expire"] == 0
    with clock.frozen(clock.now() + timedelta(hours=25)):
        assert run_once(batch=10)["rencai.cases.idempotency.keys_expire"] == 1
    assert key_rows() == 0
