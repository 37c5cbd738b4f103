"""The card issued by the notice's end, its download permissions and its QR link."""

import io
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from django.template.loader import render_to_string
from django.urls import reverse

from rencai.accounts.models import RoleGrant
from rencai.accounts.roles import SESSION_KEY
from rencai.audit.models import AuditEvent
from rencai.cards.models import Card
from rencai.cards.services import card_issue, card_revoke, card_verify
from rencai.cases.models import Case
from rencai.catalog.models import TitleSeries
from rencai.core import clock, worker
from rencai.notify.models import OutboxMessage
from tests.backoffice.second_factor import mark_second_factor_passed
from tests.cases.factories import build_world, new_case, person, place
from tests.notice.conftest import APPROVED, approve

SMS = "您的《广州市入户人员信息卡》已出具，请登录系统查看、下载：http"  # and the link


@pytest.fixture
def world(db):
    world = build_world()
    world.applicant.real_name = "李𠇔华"  # a CJK Extension B character survives to the card
    world.applicant.save()
    return world


@pytest.fixture
def issued(world):
    series = TitleSeries.objects.create(code="eng", name="工程技术")
    case = approve_case(world, new_case(world, title_series=series, qualification_level="中级"))
    with clock.frozen(case.due_at + timedelta(minutes=5)):
        assert worker.run_once(batch=50)["rencai.cases.services.deadlines_fire"] == 1
    case.refresh_from_db()
    return case


def approve_case(world, case):
    from rencai.cases.services import case_transition

    case = place(case, "under_review", step=world.review_steps[2])
    user, acting_as = world.officials["district-440106"]
    with clock.frozen(APPROVED):
        case_transition(case=case, action="approve", actor=user, acting_as=acting_as)
    return case


def _pdf_page(raw: bytes):
    return pypdfium2.PdfDocument(io.BytesIO(raw))[0]


def test_worker_issues_the_card_when_the_notice_ends(world, issued):
    case = issued
    assert case.status == "card_issued" and case.closed_at is not None
    card = Card.objects.get(case=case)
    assert card.holder_name == "李𠇔华"
    assert card.id_number_masked == world.applicant.id_number_masked
    assert card.id_number_masked.count("*") == 10
    assert card.employer == world.private.name
    assert card.category == "职称（工程技术·中级）"
    assert card.issuing_office == "广州市天河区人力资源和社会保障局"
    assert card.issued_on.isoformat() == "2026-03-10"  # 00:00 of the 6th working day
    with card.pdf.open("rb") as handle:
        text = _pdf_page(handle.read()).get_textpage().get_text_range()
    for expected in ("李𠇔华", card.number, world.private.name, "职称（工程技术·中级）"):
        assert expected in text
    sms = OutboxMessage.objects.filter(recipient=world.applicant.mobile).order_by("-id").first()
    assert SMS in sms.body and case.number in sms.body
    assert world.applicant.id_number_masked[:4] + "*" not in sms.body


def test_issuance_is_idempotent(world, issued):
    card = Card.objects.get(case=issued)
    again = card_issue(
        case=issued, holder_name="x", id_number_masked="x", employer="x", category="x",
        issuing_office="x",
    )  # fmt: skip
    assert again.pk == card.pk and again.holder_name == "李𠇔华"
    with clock.frozen(issued.closed_at + timedelta(days=10)):
        assert worker.run_once(batch=50)["rencai.cases.services.deadlines_fire"] == 0
    assert Card.objects.count() == 1
    assert AuditEvent.objects.filter(event="card_issued").count() == 1


def _as(client, user, grant=None):
    client.force_login(user)
    mark_second_factor_passed(client, user)  # officials: past the second factor
    if grant is not None:
        session = client.session
        session[SESSION_KEY] = grant.pk
        session.save()
    return client


def _download(client, card):
    return client.get(reverse("cards:download", args=[card.number]))


def test_applicant_downloads_the_card(client, world, issued):
    card = Card.objects.get(case=issued)
    response = _download(_as(client, world.applicant), card)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{card.number}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"%PDF") and len(raw) == card.pdf.size
    assert AuditEvent.objects.filter(event="card.download", actor=world.applicant).count() == 1


def test_download_permissions(client, world, issued):
    card = Card.objects.get(case=issued)
    assert _download(client, card).status_code == 302  # anonymous: to the login page
    stranger = person("路人")
    assert _download(_as(client, stranger), card).status_code == 404
    # a unit admin of the case's unit, acting as that unit
    admin = person("单位管理员")
    grant = RoleGrant.objects.create(user=admin, role=RoleGrant.Role.UNIT_ADMIN, unit=world.private)
    assert _download(_as(client, admin), card).status_code == 404  # acting personally
    assert _download(_as(client, admin, grant), card).status_code == 200
    # a unit admin of another unit
    assert (
        _download(_as(client, world.unit_admin, world.unit_acting.grant), card).status_code == 404
    )
    # officials of the issuing office, acting for it; others not
    official, acting = world.officials["district-440106"]
    assert _download(_as(client, official, acting.grant), card).status_code == 200
    other, other_acting = world.officials["district-440104"]
    assert _download(_as(client, other, other_acting.grant), card).status_code == 404
    assert client.get(reverse("cards:download", args=["GZRK2026999999"])).status_code == 404


def test_revoked_card_is_kept_for_the_office_only(client, world, issued):
    card = Card.objects.get(case=issued)
    official, acting = world.officials["district-440106"]
    card_revoke(card=card, actor=official, reason="信息有误")
    assert _download(_as(client, world.applicant), card).status_code == 404
    assert _download(_as(client, official, acting.grant), card).status_code == 200


def test_qr_code_of_the_issued_card_opens_the_verification_page(client, world, issued, settings):
    card = Card.objects.get(case=issued)
    with card.pdf.open("rb") as handle:
        image = _pdf_page(handle.read()).render(scale=3).to_pil()
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert len(decoded) == 1
    path = decoded[0].removeprefix(settings.SITE_URL.rstrip("/"))
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "本卡真实有效" in body and "李𠇔华" in body and card.number in body
    assert world.applicant.id_number_masked in body


def test_verification_refuses_forged_and_altered_tokens(client, issued):
    from django.core import signing

    from rencai.cards.tokens import SALT

    card = Card.objects.get(case=issued)
    # a token for the right number signed with another key
    forged = signing.dumps({"n": card.number}, key="not-the-key", salt=SALT, compress=True)
    assert card_verify(token=forged).status == "invalid"
    response = client.get(reverse("cards:verify", args=[forged]))
    assert response.status_code == 404 and "核验失败" in response.content.decode()
    assert card.holder_name not in response.content.decode()
    for garbage in ("x", "AAAA:BBBB", "%E4%B8%AD"):
        assert client.get(f"/cards/verify/{garbage}/").status_code == 404


def test_card_box_snippet(world, issued):
    card = Card.objects.get(case=issued)
    html = render_to_string("cards/_card_box.html", {"case": issued})
    assert reverse("cards:download", args=[card.number]) in html
    assert "/cards/verify/" in html and "下载入户卡" in html
    pending = new_case(world)
    assert render_to_string("cards/_card_box.html", {"case": pending}).strip() == ""
    card_revoke(card=card, actor=None, reason="信息有误")
    issued.refresh_from_db()
    html = render_to_string("cards/_card_box.html", {"case": Case.objects.get(pk=issued.pk)})
    assert "已作废" in html and "cards/" + card.number not in html


def test_notice_pass_and_the_card_commit_together(world, monkeypatch):
    """If rendering fails, neither the status nor the card is saved; the next sweep retries."""
    from rencai.cards import services as card_services

    case = approve(world)

    def broken(content):
        raise OSError("disk full")

    monkeypatch.setattr(card_services, "card_render_pdf", broken)
    with clock.frozen(case.due_at), pytest.raises(OSError):
        worker.run_once(batch=10)
    case.refresh_from_db()
    assert case.status == "in_notice" and case.due_at is not None
    assert not Card.objects.exists()
    monkeypatch.undo()
    with clock.frozen(case.due_at):
        assert worker.run_once(batch=10)["rencai.cases.services.deadlines_fire"] == 1
    assert Card.objects.get(case=case)
