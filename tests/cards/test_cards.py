import io
from datetime import date

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse

from rencai.audit.models import AuditEvent
from rencai.cards import fonts
from rencai.cards.models import Card
from rencai.cards.services import card_issue, card_revoke, card_verify
from rencai.cards.tokens import card_number_from_token, card_token

RARE = "李𠇔华𪚥䶮"


def issue(**overrides):
    values = {
        "holder_name": RARE,
        "id_number_masked": "4401**********123X",
        "employer": "广州市示范地铁集团有限公司",
        "category": "学历（本科）",
        "issuing_office": "广州市天河区人力资源和社会保障局",
        "issued_on": date(2026, 11, 27),
    }
    values.update(overrides)
    return card_issue(**values)


def pdf_text(card: Card) -> str:
    with card.pdf.open("rb") as handle:
        document = pypdfium2.PdfDocument(io.BytesIO(handle.read()))
    return document[0].get_textpage().get_text_range()


def test_every_rare_character_has_a_glyph():
    assert fonts.missing_glyphs(RARE + "广州市入户人员信息卡0123456789X*（）") == []
    # Each rare character is drawn in a font that actually contains it.
    assert {font for font, _ in fonts.runs("𠇔")} == {"RencaiExtB"}
    assert {font for font, _ in fonts.runs("䶮")} == {"RencaiExtA"}


@pytest.mark.django_db
def test_card_pdf_prints_what_it_must_and_embeds_fonts():
    card = issue()
    assert card.number == "GZRK2026000001"
    text = pdf_text(card)
    for expected in (
        "广州市入户人员信息卡",
        RARE,
        "4401**********123X",
        "广州市示范地铁集团有限公司",
        "学历（本科）",
        "广州市天河区人力资源和社会保障局",
        "2026年11月27日",
        card.number,
    ):
        assert expected in text, expected
    with card.pdf.open("rb") as handle:
        raw = handle.read()
    assert b"/FontFile2" in raw  # embedded TrueType subsets
    assert b"44010619" not in raw


@pytest.mark.django_db
def test_numbers_are_sequential_per_year():
    first, second = issue(), issue(holder_name="张伟")
    assert (first.number, second.number) == ("GZRK2026000001", "GZRK2026000002")


@pytest.mark.django_db
def test_verification_valid_forged_and_revoked(client, django_user_model):
    card = issue()
    token = card_token(card.number)
    response = client.get(reverse("cards:verify", args=[token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "本卡真实有效" in body and RARE in body and "4401**********123X" in body

    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert card_number_from_token(forged) is None
    response = client.get(reverse("cards:verify", args=[forged]))
    assert response.status_code == 404
    assert "核验失败" in response.content.decode()

    other = card_token("GZRK2026999999")  # well signed, but no such card
    assert card_verify(token=other).status == "invalid"

    official = django_user_model.objects.create_user("official1", "x", real_name="王")
    card_revoke(card=card, actor=official, reason="信息有误，重新出具")
    response = client.get(reverse("cards:verify", args=[token]))
    assert response.status_code == 410
    assert "已作废" in response.content.decode()
    assert AuditEvent.objects.filter(event="card_revoked").count() == 1


@pytest.mark.django_db
def test_qr_code_encodes_the_verification_link(settings):
    settings.SITE_URL = "https://rencai.example.org"
    card = issue()
    with card.pdf.open("rb") as handle:
        document = pypdfium2.PdfDocument(io.BytesIO(handle.read()))
    image = document[0].render(scale=3).to_pil()
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert len(decoded) == 1
    prefix = "https://rencai.example.org/cards/verify/"
    assert decoded[0].startswith(prefix)
    token = decoded[0][len(prefix) :].rstrip("/")
    assert card_verify(token=token).card == card
