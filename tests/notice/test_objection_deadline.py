"""Issue #14: an open objection has someone who can act (the office holding the case) and
a deadline (5 working days): shown on the officials' pages, reminded once by the one
deadline sweep, listed on the generic worklist, filled in for existing rows."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps as django_apps
from django.urls import reverse

from rencai.core import clock
from rencai.notice.models import Objection
from rencai.notice.process import CHECK_DAYS
from rencai.notify.models import OutboxMessage
from rencai.process import engine
from rencai.process.selectors import history, worklist
from rencai.workdays.calendar import deadline_for
from tests.notice.conftest import APPROVED
from tests.notice.test_objection_panel import _objections, _office

FILED = APPROVED + timedelta(days=1)


def test_filing_starts_a_five_working_day_clock(world, noticed):
    first, *_ = _objections(world, noticed)
    assert CHECK_DAYS.workdays == 5
    assert first.due_date == deadline_for(FILED, 5).due_date
    assert first.due_action == "remind"


def test_officials_see_the_deadline_and_the_objection_on_their_worklist(world, noticed):
    first, *_ = _objections(world, noticed)
    shown = first.due_date.strftime("%Y-%m-%d")
    with clock.frozen(FILED):
        html = _office(world).get(reverse("backoffice:case", args=[noticed.number])).content
        assert f"核查期限：{shown}" in html.decode() and "已逾期" not in html.decode()
    with clock.frozen(first.due_at + timedelta(minutes=1)):
        html = _office(world).get(reverse("backoffice:case", args=[noticed.number])).content
        assert "已逾期" in html.decode()
    user, _acting_as = world.officials["district-440106"]
    rows = [r for r in worklist(user=user) if r.process == "notice"]
    assert {r.obj.pk for r in rows} == set(
        Objection.objects.filter(case=noticed).values_list("pk", flat=True)
    )
    assert all(r.due_date == first.due_date and r.holder for r in rows)
    assert any(r.process == "case" and r.obj.pk == noticed.pk for r in worklist(user=user))
    other, _ = world.officials["district-440104"]
    assert not [r for r in worklist(user=other) if r.process in ("notice", "case")]


def test_the_sweep_reminds_the_holding_office_once(world, noticed):
    objections = _objections(world, noticed)
    before = OutboxMessage.objects.count()
    with clock.frozen(objections[0].due_at - timedelta(minutes=1)):
        assert engine.deadlines_sweep(processes=("notice",)) == 0
    with clock.frozen(objections[0].due_at + timedelta(minutes=1)):
        assert engine.deadlines_sweep(processes=("notice",)) == len(objections)
        assert engine.deadlines_sweep(processes=("notice",)) == 0  # once
    assert OutboxMessage.objects.count() > before
    assert OutboxMessage.objects.filter(idempotency_key__startswith="objection-remind:").exists()
    for obj in objections:
        obj.refresh_from_db()
        assert obj.status == Objection.Status.OPEN and obj.due_action == ""
        assert obj.due_date is not None  # still shown, the clock stopped
        assert history(process="notice", obj=obj)[-1].action == "remind"


def test_migration_fills_open_objections_only(world, noticed):
    first, second, third = _objections(world, noticed)
    Objection.objects.filter(pk__in=[first.pk, second.pk]).update(
        due_at=None, due_date=None, due_action=""
    )
    Objection.objects.filter(pk=second.pk).update(status="dismissed", resolved_at=clock.now())
    migration = importlib.import_module("rencai.notice.migrations.0003_objection_deadlines")
    migration.forward(django_apps, None)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.due_date == deadline_for(first.filed_at, 5).due_date
    assert first.due_action == "remind"
    assert second.due_date is None and second.due_action == ""
