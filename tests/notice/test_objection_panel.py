"""Finding 6: the office holding a case reads each public-notice objection on its case
page (contact masked, a full reveal audited), records a finding per objection, and the
objector is told the outcome by SMS or e-mail when the office decides."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.cases.models import Case
from rencai.core import clock
from rencai.notice.models import Objection
from rencai.notify.models import OutboxMessage
from tests.backoffice.conftest import office_client
from tests.notice.conftest import APPROVED

BY_MOBILE = {
    "contact_name": "王大明",
    "contact_phone": "13800001111",
    "contact_email": "",
    "text": "申请人实际未在该单位工作，社保记录可以证明。",
}
BY_EMAIL = {
    "contact_name": "李四",
    "contact_phone": "020-83331234",  # a landline: the outcome goes by e-mail
    "contact_email": "lisi.objector@example.com",
    "text": "职称证书编号与公开信息不符。",
}
LANDLINE_ONLY = {**BY_EMAIL, "contact_name": "赵五", "contact_email": "", "text": "其他意见。"}


def _file(case, data):
    response = Client().post(reverse("notice:objection", args=[case.number]), data)
    assert response.status_code == 302, response.content.decode()[-500:]


def _objections(world, noticed):
    with clock.frozen(APPROVED + timedelta(days=1)):
        for data in (BY_MOBILE, BY_EMAIL, LANDLINE_ONLY):
            _file(noticed, data)
    noticed.refresh_from_db()
    assert noticed.status == Case.Status.OBJECTION
    return list(Objection.objects.filter(case=noticed).order_by("pk"))


def _office(world, code="district-440106"):
    return office_client(*world.officials[code])


def _act(client, case, action, reason):
    case.refresh_from_db()
    return client.post(
        reverse("backoffice:case_act", args=[case.number]),
        {
            "action": action,
            f"{action}-action": action,
            f"{action}-expected_version": case.version,
            f"{action}-reason": reason,
        },
    )


def test_holding_office_reads_objections_with_contact_masked(world, noticed):
    first, second, _third = _objections(world, noticed)
    page = _office(world).get(reverse("backoffice:case", args=[noticed.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert BY_MOBILE["text"] in html and BY_EMAIL["text"] in html
    assert first.filed_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") in html
    assert "王*明" in html and "138****1111" in html and "l***@example.com" in html
    for secret in ("王大明", "13800001111", "lisi.objector@example.com", "83331234"):
        assert secret not in html
    assert "无法自动告知" in html  # the landline-only objector
    # Another office does not get the page, nor the objections.
    assert (
        _office(world, "district-440104")
        .get(reverse("backoffice:case", args=[noticed.number]))
        .status_code
        == 404
    )


def test_full_contact_is_a_separate_audited_action(world, noticed):
    first, *_ = _objections(world, noticed)
    url = reverse("backoffice:objection_reveal", args=[noticed.number, first.pk])
    office = _office(world)
    assert office.get(url).status_code == 405  # a deliberate POST, never a link
    shown = office.post(url)
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    assert "王大明" in shown.content.decode() and "13800001111" in shown.content.decode()
    event = AuditEvent.objects.get(event="pii.objection_contact")
    assert event.actor_id == world.officials["district-440106"][0].pk
    assert "13800001111" not in event.detail and "王大明" not in event.detail
    assert _office(world, "district-440104").post(url).status_code == 404
    # Without the second factor in this session: no page at all.
    user, acting = world.officials["district-440106"]
    plain = Client()
    plain.force_login(user)
    assert plain.post(url).status_code == 302
    assert AuditEvent.objects.filter(event="pii.objection_contact").count() == 1


def test_findings_per_objection_and_the_objectors_are_told(world, noticed):
    first, second, third = _objections(world, noticed)
    office = _office(world)
    finding_url = reverse("backoffice:objection_finding", args=[noticed.number, first.pk])
    empty = office.post(finding_url, {"finding": "  "})
    assert empty.status_code == 400 and "核查意见" in empty.content.decode()
    saved = office.post(finding_url, {"finding": "经核查社保记录，申请人在该单位连续参保。"})
    assert saved.status_code == 302
    first.refresh_from_db()
    assert first.resolution == "经核查社保记录，申请人在该单位连续参保。"
    assert first.status == Objection.Status.OPEN
    assert AuditEvent.objects.filter(event="notice.objection_finding").count() == 1
    page = office.get(reverse("backoffice:case", args=[noticed.number])).content.decode()
    assert "经核查社保记录" in page

    with clock.frozen(APPROVED + timedelta(days=2)):
        done = _act(office, noticed, "objection_dismiss", "异议均不成立，恢复公示")
    assert done.status_code == 302
    noticed.refresh_from_db()
    assert noticed.status == Case.Status.IN_NOTICE
    first, second, third = (Objection.objects.get(pk=o.pk) for o in (first, second, third))
    assert {o.status for o in (first, second, third)} == {Objection.Status.DISMISSED}
    assert first.resolution == "经核查社保记录，申请人在该单位连续参保。"  # its own finding
    assert second.resolution == "异议均不成立，恢复公示"  # the decision's reason
    sms = OutboxMessage.objects.get(idempotency_key=f"objection-outcome:{first.pk}")
    assert sms.channel == "sms" and sms.recipient == "13800001111"
    assert noticed.number in sms.body and "异议不成立" in sms.body and "连续参保" in sms.body
    mail = OutboxMessage.objects.get(idempotency_key=f"objection-outcome:{second.pk}")
    assert mail.channel == "email" and mail.recipient == "lisi.objector@example.com"
    assert "异议不成立" in mail.body and noticed.number in mail.subject
    assert not OutboxMessage.objects.filter(idempotency_key=f"objection-outcome:{third.pk}")
    # Closed: the finding can no longer change.
    late = office.post(finding_url, {"finding": "改"})
    assert late.status_code == 409 and "已处理" in late.content.decode()


def test_upheld_objection_is_told_too(world, noticed):
    (first, *_rest) = _objections(world, noticed)
    office = _office(world)
    with clock.frozen(APPROVED + timedelta(days=2)):
        assert _act(office, noticed, "objection_uphold", "异议成立，重新审批").status_code == 302
    first.refresh_from_db()
    assert first.status == Objection.Status.UPHELD
    sms = OutboxMessage.objects.get(idempotency_key=f"objection-outcome:{first.pk}")
    assert "异议成立" in sms.body and "重新审批" in sms.body
