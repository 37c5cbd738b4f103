"""Query counts of pages that used to grow with their rows (issue #15)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rencai.orgs.models import Office

pytestmark = pytest.mark.django_db


def test_office_directory_reads_the_calendar_once_for_all_offices(
    reference_data, django_assert_max_num_queries
):
    offices = Office.objects.filter(is_active=True).count()
    assert offices >= 5  # the reference data's district windows and bureaus
    Client().get("/help/offices/")  # warm the per-process calendar
    with CaptureQueriesContext(connection) as seen:
        response = Client().get("/help/offices/")
    assert response.status_code == 200
    calendar_reads = [q for q in seen.captured_queries if "workdays_calendarrevision" in q["sql"]]
    # At most once: since issue #15 the token comes from the shared reference cache
    # (rencai.core.refcache) in a request, so a warm page reads the row not at all.
    assert len(calendar_reads) <= 1
    with django_assert_max_num_queries(4):  # offices, the calendar token; no per-office query
        Client().get("/help/offices/")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_deploy_check_names_shared_buffers_for_a_city_scale_registry(monkeypatch):
    from rencai.ops import checks_scale

    monkeypatch.setattr(checks_scale, "MIN_UNITS", -1)  # any registry counts as city-scale
    monkeypatch.setattr(checks_scale, "HEADROOM", 10**6)  # more than any server has
    ids = {w.id for w in checks_scale.check_unit_search_memory()}
    assert {"ops.W010", "ops.W011"} <= ids


def test_login_reads_the_account_by_the_case_insensitive_index(client):
    """A login name is looked up as lower(login_name) = lower(…), the expression of the unique
    index login_name_unique_ci: Django's iexact (UPPER(…)) matched no index and each login
    read every account (0.5 s per lookup at 1M accounts on PostgreSQL, three per login)."""
    from rencai.accounts.models import User, login_name_is

    User.objects.create_user("Lookup_Case", "Pw@123456", real_name="大小写")
    assert User.objects.get(login_name_is("lookup_CASE")).login_name == "Lookup_Case"
    response = client.post("/accounts/login/", {"username": "LOOKUP_case", "password": "Pw@123456"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    if connection.vendor == "postgresql":
        query = User.objects.filter(login_name_is("lookup_case")).query
        sql, params = query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the plan a big table gets
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "login_name_unique_ci" in plan, plan


def test_password_reset_finds_the_email_ignoring_case_by_its_index():
    from rencai.accounts.models import User, email_is
    from rencai.accounts.services import password_reset_email_send

    User.objects.create_user("reset_ci", "Pw@123456", real_name="找回", email="Reset.Me@Example.cn")
    assert password_reset_email_send(email=" reset.me@example.CN ") == 1
    if connection.vendor == "postgresql":
        sql, params = User.objects.filter(email_is("reset.me@example.cn")).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the plan a big table gets
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "user_email_ci" in plan, plan
