"""Lifting the re-application block from the person's page (ID lookup, audited)."""

from __future__ import annotations

from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.cases.models import HistoricalSettlement, ReapplyLift
from rencai.core import clock
from tests.cases.factories import person

_n = iter(range(100, 999))


def valid_id() -> str:
    from stdnum.cn import ric

    body = f"44010619850612{next(_n):03d}"
    return body + ric.calc_check_digit(body + "0")


def settled_person():
    user = person("已入户")
    user.set_id_number(valid_id())
    user.save()
    _settled(user)
    return user


def _settled(user):
    return HistoricalSettlement.objects.create(
        id_number_index=user.id_number_index,
        year=2019,
        source="legacy",
        recorded_at=clock.now(),
    )


def test_lookup_shows_block_then_lift_with_reason(world, as_office):
    user = settled_person()
    number = user.reveal_id_number()
    client = as_office("district-440106")
    page = client.post(reverse("backoffice:reapply"), {"step": "lookup", "id_number": number})
    assert page.status_code == 200
    html = page.content.decode()
    assert "已禁止再报" in html and "2019" in html and user.id_number_masked in html
    assert AuditEvent.objects.filter(event="pii.person_lookup").count() == 1

    refused = client.post(reverse("backoffice:reapply"), {"step": "lift", "id_number": number})
    assert refused.status_code == 400 and "开通原因" in refused.content.decode()
    assert not ReapplyLift.objects.exists()

    done = client.post(
        reverse("backoffice:reapply"),
        {"step": "lift", "id_number": number, "reason": "户籍已迁出，核实后开通"},
    )
    assert done.status_code == 200
    assert "已开通再次申报权限" in done.content.decode()
    lift = ReapplyLift.objects.get()
    assert lift.reason == "户籍已迁出，核实后开通"
    assert lift.office.code == "district-440106"
    assert AuditEvent.objects.filter(event="case.reapply_lift").exists()


def test_unknown_or_invalid_id_numbers(world, as_office):
    client = as_office("district-440106")
    bad = client.post(reverse("backoffice:reapply"), {"step": "lookup", "id_number": "123"})
    assert bad.status_code == 400 and "身份证" in bad.content.decode()
    missing = client.post(
        reverse("backoffice:reapply"), {"step": "lookup", "id_number": valid_id()}
    )
    assert missing.status_code == 404 and "未找到" in missing.content.decode()


def test_a_department_cannot_lift(world, as_office):
    user = settled_person()
    client = as_office("dept-sasac")
    response = client.post(
        reverse("backoffice:reapply"),
        {"step": "lift", "id_number": user.reveal_id_number(), "reason": "理由"},
    )
    assert response.status_code == 404  # the page itself is not theirs (finding 8)
    assert not ReapplyLift.objects.exists()


def test_settlement_history_only_for_windows_and_city_bureau(world, as_office):
    """Finding 8: a supervisory department (or the data centre) could look up anyone's
    settlement history; now the page is a 404 for them, GET and POST alike."""
    from rencai.orgs.models import Office
    from tests.backoffice.conftest import office_client
    from tests.cases.factories import official

    user = settled_person()
    number = user.reveal_id_number()
    world.officials["data-centre"] = official("data-centre")
    assert Office.objects.get(code="data-centre").kind == "data_centre"
    for code in ("dept-sasac", "data-centre"):
        client = office_client(*world.officials[code])
        assert client.get(reverse("backoffice:reapply")).status_code == 404
        looked = client.post(reverse("backoffice:reapply"), {"step": "lookup", "id_number": number})
        assert looked.status_code == 404
        assert "已禁止再报" not in looked.content.decode()
    assert not AuditEvent.objects.filter(event="pii.person_lookup").exists()
    for code in ("district-440106", "city-hrss"):
        client = as_office(code)
        assert client.get(reverse("backoffice:reapply")).status_code == 200
        page = client.post(reverse("backoffice:reapply"), {"step": "lookup", "id_number": number})
        assert page.status_code == 200 and "已禁止再报" in page.content.decode()
