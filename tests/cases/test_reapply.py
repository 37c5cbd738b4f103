"""「已禁止再报」 (FAQ 一.3): the block, its lifting for one application, the import."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from rencai.accounts.models import id_number_index
from rencai.audit.models import AuditEvent
from rencai.cases.models import Case, HistoricalSettlement
from rencai.cases.reapply import reapply_lift, reapply_status
from rencai.cases.services import application_start
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError
from tests.cases.apply_helpers import catalog, media, registered, valid_id
from tests.cases.factories import new_case, official, place

pytestmark = pytest.mark.usefixtures("media", "catalog")
__all__ = ["catalog", "media"]
MESSAGE = (
    "已禁止再报，{year}年已办理引进在职人才业务，如需开通再次申报权限，"
    "请联系市、区人社部门引进人才对外服务窗口提交申请"
)


def _legacy(number: str, year=2019) -> HistoricalSettlement:
    return HistoricalSettlement.objects.create(
        id_number_index=id_number_index(number), year=year, source="legacy",
        recorded_at=clock.now(),
    )  # fmt: skip


def test_no_record_no_block(world):
    assert reapply_status(world.applicant).blocked is False


def test_card_issued_case_blocks_with_the_seed_wording(client, world):
    case = place(new_case(world), "in_notice")
    from rencai.cases.services import case_transition

    case_transition(case=case, action="notice_pass", actor=None, acting_as=None)
    status = reapply_status(world.applicant)
    assert status.blocked and status.message == MESSAGE.format(year=clock.today().year)
    with pytest.raises(Conflict) as exc:
        application_start(applicant=world.applicant, unit=world.private, category="title")
    assert exc.value.message == status.message
    client.force_login(world.applicant)
    html = client.get("/cases/new/").content.decode()
    assert status.message in html
    # The district offices' contacts from the directory.
    assert "天河区人社局" in html and 'href="tel:02038470847"' in html
    assert "越秀区人社局" in html
    response = client.post("/cases/new/", {"category": "title", "unit": world.private.pk})
    assert Case.objects.filter(applicant=world.applicant).count() == 1
    assert response.status_code == 200 and status.message in response.content.decode()


def test_imported_record_blocks_and_a_lift_opens_one_application(client, world):
    person, number = registered("老广州")
    _legacy(number, 2018)
    status = reapply_status(person)
    assert status.blocked and status.message == MESSAGE.format(year=2018)
    # Only district windows and the city bureau lift; a reason is required.
    dept_user, _ = official("dept-sasac")
    with pytest.raises(DomainError):
        reapply_lift(person=person, official=dept_user, reason="理由")
    district_user, _ = world.officials["district-440106"]
    with pytest.raises(DomainError):
        reapply_lift(person=person, official=district_user, reason="  ")
    lift = reapply_lift(
        person=person, official=district_user, reason="原入户已迁出，经核实可再次申报"
    )
    assert AuditEvent.objects.filter(event="case.reapply_lift", actor=district_user).exists()
    with pytest.raises(Conflict):  # already open, unused
        reapply_lift(person=person, official=district_user, reason="再次")
    status = reapply_status(person)
    assert not status.blocked and status.lift == lift
    client.force_login(person)
    response = client.post("/cases/new/", {"category": "title", "unit": world.private.pk})
    assert response.status_code == 302
    case = Case.objects.get(applicant=person)
    assert case.reapply_lift == lift
    # One application only: the next one is blocked again.
    assert reapply_status(person).blocked
    with pytest.raises(Conflict):
        application_start(applicant=person, unit=world.private, category="title")
    # No second lift while the lifted application is open (issue #9, finding 3) …
    city_user, _ = official("city-hrss")
    with pytest.raises(Conflict, match=case.number):
        reapply_lift(person=person, official=city_user, reason="第二次开通")
    # … once it has ended, another lift opens another application.
    Case.objects.filter(pk=case.pk).update(status="rejected")
    reapply_lift(person=person, official=city_user, reason="第二次开通")
    assert application_start(applicant=person, unit=world.private, category="skill")


def test_unit_admin_cannot_start_for_a_blocked_person(client, world):
    from tests.cases.apply_helpers import act_as

    person, number = registered()
    _legacy(number, 2020)
    client.force_login(world.unit_admin)
    act_as(client, world.unit_acting.grant)
    # A person who has not named the unit: the unit learns nothing (an invitation, the
    # same as for anyone); the person meets the block when accepting it.
    response = client.post("/cases/unit/start/", {"id_number": number, "category": "title"})
    assert response.status_code == 302 and not Case.objects.filter(applicant=person).exists()
    html = client.get(response["Location"]).content.decode()
    assert "已禁止再报" not in html and "发出申报邀请" in html
    # Once the person has named the unit, the admin hears the block at once.
    from rencai.cases.unit_access import consent_grant

    consent_grant(person=person, unit=world.soe)
    response = client.post("/cases/unit/start/", {"id_number": number, "category": "skill"})
    html = client.get(response["Location"]).content.decode()
    assert "已禁止再报，2020年" in html and not Case.objects.filter(applicant=person).exists()


def test_import_history_command(tmp_path, world, capsys):
    good, other = valid_id(), valid_id()
    path = tmp_path / "history.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id_number", "year", "district_code", "note"])
        writer.writerow([good, "2017", "440106", "引进在职人才"])
        writer.writerow([other.lower(), "2019", "", ""])
        writer.writerow(["440106199001011230", "2018", "440106", "bad check digit"])
        writer.writerow([valid_id(), "20x9", "440106", "bad year"])
        writer.writerow([valid_id(), "2016", "999999", "bad district"])
    call_command("import_history", str(path))
    assert "导入 2 条，已存在 0 条，拒绝 3 条" in capsys.readouterr().out
    rows = list(HistoricalSettlement.objects.order_by("year"))
    assert [r.year for r in rows] == [2017, 2019]
    assert rows[0].id_number_index == id_number_index(good)
    assert rows[0].id_number_masked == good[:4] + "**********" + good[-4:]
    assert rows[0].district.code == "440106" and rows[0].note == "引进在职人才"
    for field in HistoricalSettlement._meta.concrete_fields:  # the number itself is not stored
        assert all(good not in str(getattr(r, field.attname)) for r in rows)
    rejects = (tmp_path / "history.rejects.csv").read_text(encoding="utf-8")
    assert rejects.count("\n") == 4 and "身份证号码无效" in rejects and "年份" in rejects
    assert "区划代码" in rejects
    # Idempotent.
    call_command("import_history", str(path))
    assert "导入 0 条，已存在 2 条，拒绝 3 条" in capsys.readouterr().out
    assert HistoricalSettlement.objects.count() == 2
    # And it blocks.
    person, _number = registered()
    person.set_id_number(good)
    person.save()
    assert reapply_status(person).message.startswith("已禁止再报，2017年")
