"""CJK font fallback for reportlab: split text into runs, each in a font that has its glyphs.

reportlab has no font fallback of its own, and no single free TrueType font covers the BMP
and CJK Extension B (生僻字 such as 𠇔, 𪚥) at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
# (reportlab name, file, subfont index) in fallback order.
FONTS = [
    ("RencaiHei", "wqy-microhei.ttc", 0),
    ("RencaiExtA", "HanaMinExtA.ttf", None),
    ("RencaiExtB", "HanaMinExtB.ttf", None),
]
PRIMARY = FONTS[0][0]


_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname, subset):
    """reportlab writes a code point above U+FFFF as 5 hex digits, which PDF readers
    misread (𠇔 U+201D4 is copied as ” U+201D). A ToUnicode CMap wants UTF-16BE, so
    rewrite those entries as surrogate pairs; the rest of reportlab's CMap is kept."""
    cmap = _reportlab_to_unicode_cmap(fontname, subset)
    for index, code in enumerate(subset):
        if code > 0xFFFF:
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{utf16}>")
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@cache
def registered_fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """Register the fonts once per process; return each font's covered code points."""
    result = []
    for name, file_name, index in FONTS:
        kwargs = {"subfontIndex": index} if index is not None else {}
        font = TTFont(name, str(FONT_DIR / file_name), **kwargs)
        pdfmetrics.registerFont(font)
        result.append((name, frozenset(font.face.charToGlyph)))
    return tuple(result)


def font_for(ch: str) -> str:
    code = ord(ch)
    for name, coverage in registered_fonts():
        if code in coverage:
            return name
    return PRIMARY  # shows a .notdef box rather than dropping the character


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font, substring) runs."""
    out: list[tuple[str, str]] = []
    for ch in text:
        font = font_for(ch)
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def missing_glyphs(text: str) -> list[str]:
    covered = [coverage for _, coverage in registered_fonts()]
    return [ch for ch in text if not ch.isspace() and not any(ord(ch) in c for c in covered)]


def draw(canvas, x: float, y: float, text: str, size: float) -> float:
    """Draw text with fallback fonts at (x, y); return the x after the text."""
    for font, chunk in runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, font, size)
    return x
