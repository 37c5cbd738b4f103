"""Render the card PDF (reportlab, embedded TrueType subsets, vector QR code from segno)."""

from __future__ import annotations

import io
import re
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


VALUE_SIZE = 12.0
MIN_SIZE = 4.0
MAX_LINES = 3
# Height a value may take in its 10 mm row: from just under the row above's rule to just
# above its own rule (the baseline sits 2.2 mm above the rule).
ROW_ABOVE, ROW_BELOW = 5.8 * mm, 1.8 * mm
_TOKEN = re.compile(r"[A-Za-z0-9.,&()'-]+|\s+|.", re.DOTALL)


def _width(text: str, size: float) -> float:
    return sum(fonts.pdfmetrics.stringWidth(chunk, font, size) for font, chunk in fonts.runs(text))


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking: any CJK character may start a line, Latin words stay whole
    unless a word alone is wider than the line."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if _width(line + token, size) <= max_width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = "" if token.isspace() else token
        while _width(line, size) > max_width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and _width(line[:cut], size) > max_width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def fit(text: str, max_width: float) -> tuple[float, list[str]]:
    """The largest size (12 pt down, half-point steps) at which `text` fits the value column
    in at most three lines within its row; the whole text is always kept."""
    size = VALUE_SIZE
    while True:
        lines = wrap(text, size, max_width)
        leading = size * 1.15
        if size <= MIN_SIZE or (
            len(lines) <= MAX_LINES
            and (len(lines) - 1) * leading + size * 1.1 <= ROW_ABOVE + ROW_BELOW
        ):
            return size, lines
        size -= 0.5


def _draw_fitted(canvas: Canvas, x: float, y: float, text: str, max_width: float) -> None:
    size, lines = fit(text, max_width)
    if len(lines) == 1:
        fonts.draw(canvas, x, y, text, size)
        return
    leading = size * 1.15
    # Centre the block (ascent 0.9, descent 0.2 of the size) in the row's band.
    band = ROW_ABOVE + ROW_BELOW
    block = (len(lines) - 1) * leading + 1.1 * size
    first = y + ROW_ABOVE - (band - block) / 2 - 0.9 * size
    for index, line in enumerate(lines):
        fonts.draw(canvas, x, first - index * leading, line, size)


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
    value_x, line_end = margin + 32 * mm, width - margin - 48 * mm
    for label, value in rows:
        fonts.draw(canvas, margin + 4 * mm, y, label, 11)
        _draw_fitted(canvas, value_x, y, value, line_end - value_x)
        canvas.setLineWidth(0.3)
        canvas.line(margin + 30 * mm, y - 2.2 * mm, line_end, y - 2.2 * mm)
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
