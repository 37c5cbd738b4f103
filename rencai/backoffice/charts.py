"""Server-rendered SVG bar charts (no script, no style attributes: CSP-safe)."""

from __future__ import annotations

from dataclasses import dataclass

ROW = 26
LABEL_W = 170
BAR_W = 280


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def value_x(self) -> int:
        return LABEL_W + self.width + 6


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = LABEL_W + BAR_W + 60
    label_w: int = LABEL_W


def bars(rows: list[tuple[str, float, str]]) -> Chart:
    top = max([v for _l, v, _t in rows] or [0]) or 1
    items = [
        Bar(label, value, text, i * ROW, round(BAR_W * value / top) if value else 0)
        for i, (label, value, text) in enumerate(rows)
    ]
    return Chart(items, max(ROW, len(items) * ROW))
