"""The rare-character web font declared in site.css covers every character the card's
Extension fonts cover (so a name the card can print, a page can show), each slice file
exists and holds the glyphs of its unicode-range, and only Extension blocks are declared."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from rencai.cards import webfont
from rencai.cards.fonts import FONT_DIR


def test_declared_slices_cover_the_card_fonts_extension_coverage():
    slices = webfont.declared_slices()
    assert len(slices) == len({name for name, _ in slices}) > 1
    declared: set[int] = set()
    for name, spans in slices:
        assert (webfont.OUT_DIR / name).is_file(), name
        for first, last in spans:
            # Only CJK Extension A (U+3400–4DBF) and planes 2 (Ext B–F): ordinary text
            # never matches, so ordinary pages download nothing.
            assert 0x3400 <= first <= last <= 0x4DBF or 0x20000 <= first <= last <= 0x2FFFF
            declared.update(range(first, last + 1))
    for source in webfont.SOURCES:
        covered = set(TTFont(FONT_DIR / source, lazy=True).getBestCmap())
        assert covered <= declared, sorted(covered - declared)[:5]


def test_the_slice_for_a_rare_name_holds_its_glyph():
    name = webfont.file_name(0x201D4)  # 𠇔
    font = TTFont(webfont.OUT_DIR / name)
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    assert 0x201D4 in cmap and 0x20000 in cmap
    assert all(code >> 10 == 0x201D4 >> 10 for code in cmap)  # one slice, nothing else
    glyph = font["glyf"][cmap[0x201D4]]
    assert glyph.numberOfContours > 0  # a drawn outline, not an empty glyph
