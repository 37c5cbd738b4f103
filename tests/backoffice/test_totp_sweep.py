"""The worker forgets used TOTP time steps once they can no longer match; replay
protection for the steps still inside the window is untouched."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from rencai.backoffice import totp
from rencai.backoffice.models import TotpUsedStep
from rencai.core import clock, worker
from tests.cases.factories import person

PASSWORD = "Pw@123456"
OLDEST_KEPT = totp.VALID_WINDOW + totp.USED_STEP_MARGIN  # steps back from now


@pytest.fixture
def official(world):
    user, _acting = world.officials["district-440106"]
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    return user


def _used(user, step: int) -> TotpUsedStep:
    return TotpUsedStep.objects.create(user=user, step=step, used_at=clock.now())


def test_registered_as_a_worker_sweep():
    assert "rencai.backoffice.totp.used_steps_sweep" in settings.RENCAI_WORKER_SWEEPS


def test_old_steps_go_recent_ones_stay(official):
    other = person()
    with clock.frozen(clock.now().replace(second=10, microsecond=0)):
        now = totp.current_step()
        old = [
            _used(official, now - 5000),
            _used(official, now - OLDEST_KEPT - 1),
            _used(other, now - OLDEST_KEPT - 7),
        ]
        kept = [
            _used(official, now - OLDEST_KEPT),  # still within the margin
            _used(official, now - 1),  # inside the ±1 window: still guards a replay
            _used(official, now),
            _used(other, now + 1),
        ]
        assert totp.used_steps_sweep(batch=2) == 2  # batched
        assert worker.run_once(batch=2)["rencai.backoffice.totp.used_steps_sweep"] == 1
        assert totp.used_steps_sweep(batch=2) == 0
    left = set(TotpUsedStep.objects.values_list("pk", flat=True))
    assert left == {row.pk for row in kept}
    assert not left & {row.pk for row in old}


def test_kept_rows_become_old_as_time_passes(official):
    with clock.frozen(clock.now().replace(second=10, microsecond=0)):
        _used(official, totp.current_step())
        assert totp.used_steps_sweep(batch=100) == 0
        clock.advance(timedelta(seconds=totp.STEP_SECONDS * OLDEST_KEPT))
        assert totp.used_steps_sweep(batch=100) == 0
        clock.advance(timedelta(seconds=totp.STEP_SECONDS))
        assert totp.used_steps_sweep(batch=100) == 1
    assert not TotpUsedStep.objects.exists()


def test_idle_costs_one_query(official, django_assert_num_queries):
    _used(official, totp.current_step())
    with django_assert_num_queries(1):
        assert totp.used_steps_sweep(batch=500) == 0


def test_step_is_indexed(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TotpUsedStep._meta.db_table)
    assert any(c["index"] and c["columns"] == ["step"] for c in constraints.values())


def test_replay_still_refused_after_the_sweep(official):
    with clock.frozen(clock.now().replace(second=5, microsecond=0)):
        _used(official, totp.current_step() - 1000)  # something for the sweep to do
        client = Client()
        client.post(
            reverse("accounts:login"), {"username": official.login_name, "password": PASSWORD}
        )
        code = pyotp.TOTP(official.totp_secret).at(clock.now())
        ok = client.post(reverse("backoffice:totp_verify"), {"code": code})
        assert ok.status_code == 302

        assert worker.run_once(batch=500)["rencai.backoffice.totp.used_steps_sweep"] == 1
        assert TotpUsedStep.objects.filter(user=official).count() == 1

        other = Client()
        other.post(
            reverse("accounts:login"), {"username": official.login_name, "password": PASSWORD}
        )
        replay = other.post(reverse("backoffice:totp_verify"), {"code": code})
        assert replay.status_code == 400
        assert "已使用过" in replay.content.decode()
