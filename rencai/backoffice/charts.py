"""Server-rendered SVG bar charts (no script, no style attributes: CSP-safe).

Each bar takes two rows: its label on a line of its own (so a long label never runs
into the value) and the bar with its value under it. The viewBox is narrow (340 units)
so that at 375 px the text draws at about the page's own size, not ~7 px (issue #11).
The chart has an accessible name (its heading) and lists every value for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

ROW = 46
WIDTH = 340
BAR_W = 250
FONT = 15  # SVG units; CSS sets the same (.bar-chart text)


def _fit(label: str, room: float = WIDTH) -> str:
    """The label cut (with …) to what fits in `room` at FONT: CJK ≈ 1 em, Latin ≈ .55 em."""
    width, out = 0.0, []
    for ch in label:
        width += FONT * (1.0 if ord(ch) > 0x2E80 else 0.58)
        if width > room - FONT:
            return "".join(out) + "…"
        out.append(ch)
    return label


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: int

    @property
    def short_label(self) -> str:
        return _fit(self.label)

    @property
    def label_y(self) -> int:
        return self.y + 16

    @property
    def bar_y(self) -> int:
        return self.y + 22

    @property
    def text_y(self) -> int:
        return self.y + 37

    @property
    def value_x(self) -> int:
        return self.width + 6


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = WIDTH

    @property
    def summary(self) -> str:
        """Every value, for the accessible description."""
        sep = pgettext("message separator", "；")
        return sep.join(
            gettext("%(label)s：%(value)s") % {"label": b.label, "value": b.text} for b in self.bars
        )


def bars(rows: list[tuple[str, float, str]]) -> Chart:
    top = max([v for _l, v, _t in rows] or [0]) or 1
    items = [
        Bar(str(label), value, text, i * ROW, round(BAR_W * value / top) if value else 0)
        for i, (label, value, text) in enumerate(rows)
    ]
    return Chart(items, max(ROW, len(items) * ROW))
