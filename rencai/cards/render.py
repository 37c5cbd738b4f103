"""Render the card PDF (reportlab, embedded TrueType subsets, vector QR code from segno)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import segno
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from rencai.cards import fonts

PAGE = landscape(A5)


@dataclass(frozen=True)
class CardContent:
    number: str
    holder_name: str
    id_number_masked: str
    employer: str
    category: str
    issuing_office: str
    issued_on: date
    verify_url: str


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    # A fixed mask skips segno's best-mask search (a third of the render time); any mask
    # pattern is valid QR and scans fine at this size.
    qr = segno.make(data, error="m", micro=False, mask=4, boost_error=False)
    matrix = qr.matrix
    border = 2
    modules = len(matrix) + 2 * border
    cell = size / modules
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * cell
        col = 0
        while col < len(row):
            if row[col] & 1:
                start = col
                while col < len(row) and row[col] & 1:
                    col += 1
                path.rect(x + (start + border) * cell, top, (col - start) * cell, cell)
            else:
                col += 1
    canvas.drawPath(path, stroke=0, fill=1)


def card_render_pdf(content: CardContent) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(f"广州市入户人员信息卡 {content.number}")
    canvas.setAuthor(content.issuing_office)
    width, height = PAGE
    margin = 12 * mm

    canvas.setStrokeColorRGB(0.70, 0.15, 0.12)
    canvas.setLineWidth(1.6)
    canvas.rect(margin / 2, margin / 2, width - margin, height - margin)

    canvas.setFillColorRGB(0.70, 0.15, 0.12)
    title = "广州市入户人员信息卡"
    size = 20
    title_width = sum(
        fonts.pdfmetrics.stringWidth(chunk, font, size) for font, chunk in fonts.runs(title)
    )
    fonts.draw(canvas, (width - title_width) / 2, height - margin - 10 * mm, title, size)

    canvas.setFillColorRGB(0, 0, 0)
    rows = [
        ("卡    号", content.number),
        ("姓    名", content.holder_name),
        ("身份证号码", content.id_number_masked),
        ("引进单位", content.employer),
        ("引进类别", content.category),
        ("出具机构", content.issuing_office),
        ("出具日期", f"{content.issued_on:%Y年%m月%d日}"),
    ]
    y = height - margin - 24 * mm
    for label, value in rows:
        fonts.draw(canvas, margin + 4 * mm, y, label, 11)
        fonts.draw(canvas, margin + 32 * mm, y, value, 12)
        canvas.setLineWidth(0.3)
        canvas.line(margin + 30 * mm, y - 2.2 * mm, width - margin - 48 * mm, y - 2.2 * mm)
        y -= 10 * mm

    qr_size = 38 * mm
    qr_x, qr_y = width - margin - qr_size - 2 * mm, margin + 14 * mm
    _draw_qr(canvas, content.verify_url, qr_x, qr_y, qr_size)
    fonts.draw(canvas, qr_x + 4 * mm, qr_y - 5 * mm, "扫码核验真伪", 9)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    fonts.draw(
        canvas,
        margin + 4 * mm,
        margin + 2 * mm,
        "本卡由人才引进入户申办系统生成，真伪以扫码核验结果为准。",
        8,
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
