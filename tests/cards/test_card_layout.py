"""Card PDF layout: long values wrap or shrink inside the value column, the whole text is
kept, and rare characters (Extension A/B) are printed. Checked on the rendered PDF with
pdfium's text extraction and character boxes. On main a 60-character employer ran off the
card (about 25 characters fit at 12 pt)."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
from reportlab.lib.units import mm

from rencai.cards.render import PAGE, CardContent, card_render_pdf

EMPLOYER_60 = (
    "广州市天河区珠江新城人工智能与数字经济产业创新研究院有限公司第一分公司"
    "暨粤港澳大湾区协同创新中心南沙区联络处筹备办公室一"
)
EMPLOYER_MIXED = (
    "Guangzhou Pearl River International Semiconductor Research Institute (China) "
    "Co., Ltd. 广州分公司"
)
RARE_NAME = "王𠇔𪚥䶮"  # 𠇔 U+201D4, 𪚥 U+2A6A5 (Ext B), 䶮 U+4DAE (Ext A)
WIDTH, HEIGHT = PAGE
MARGIN = 12 * mm
LINE_END = WIDTH - MARGIN - 48 * mm  # the value column's rule ends here, left of the QR code


def _content(employer: str) -> CardContent:
    return CardContent(
        number="GZ2026000123",
        holder_name=RARE_NAME,
        id_number_masked="4401**********0011",
        employer=employer,
        category="人才引进（学历）",
        issuing_office="广州市天河区人力资源和社会保障局人才引进服务窗口",
        issued_on=date(2026, 12, 1),
        verify_url="https://rencai.example/cards/verify/abc/",
    )


def _chars(pdf: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    page = pypdfium2.PdfDocument(pdf)[0]
    text = page.get_textpage()
    out = []
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        if char.strip() and not ("\udc00" <= char <= "\udfff"):
            out.append((char, text.get_charbox(index, loose=True)))
    return out


def _compact(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("employer", [EMPLOYER_60, EMPLOYER_MIXED], ids=["cjk-60", "mixed"])
def test_long_employer_and_rare_name_stay_on_the_card(employer):
    assert len(EMPLOYER_60) == 60 and len(RARE_NAME) == 4
    pdf = card_render_pdf(_content(employer))
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    compact = _compact(text)
    assert _compact(employer) in compact  # every character, in order (lines joined)
    assert RARE_NAME in compact
    assert _compact("广州市天河区人力资源和社会保障局人才引进服务窗口") in compact

    qr_left = WIDTH - MARGIN - 38 * mm - 2 * mm
    for char, (left, bottom, right, top) in _chars(pdf):
        assert right <= WIDTH - MARGIN / 2, (char, right)  # inside the card's border
        if bottom > MARGIN + 14 * mm + 38 * mm or top < MARGIN + 14 * mm:
            continue  # not beside the QR code
        if left < qr_left:
            assert right <= LINE_END + 0.5, (char, right, LINE_END)


def test_employer_row_stays_between_its_rules():
    """The wrapped employer lines stay below the 身份证号码 row's rule and above their own."""
    pdf = card_render_pdf(_content(EMPLOYER_60))
    row_y = HEIGHT - MARGIN - 24 * mm - 3 * 10 * mm  # 引进单位 is the fourth row
    boxes = [box for char, box in _chars(pdf) if char in EMPLOYER_60 and box[0] > MARGIN + 30 * mm]
    tops = [top for _l, bottom, _r, top in boxes if row_y - 10 * mm < bottom < row_y + 10 * mm]
    bottoms = [
        bottom for _l, bottom, _r, top in boxes if row_y - 10 * mm < bottom < row_y + 10 * mm
    ]
    assert len(tops) >= 60
    assert max(tops) < row_y + 10 * mm - 2.2 * mm  # the rule of the row above
    assert min(bottoms) > row_y - 2.2 * mm  # its own rule
    ordered = sorted(bottoms)
    lines = 1 + sum(1 for a, b in zip(ordered, ordered[1:], strict=False) if b - a > 4)
    assert 2 <= lines <= 3  # wrapped, not shrunk into one unreadable line


def test_short_values_keep_the_normal_size():
    from rencai.cards.render import VALUE_SIZE, fit

    size, lines = fit("广州市某某科技有限公司", LINE_END - (MARGIN + 32 * mm))
    assert (size, lines) == (VALUE_SIZE, ["广州市某某科技有限公司"])
