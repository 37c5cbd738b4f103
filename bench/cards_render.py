"""Benchmark: 入户人员信息卡 generation on one core.

    taskset -c 0 .venv/bin/python bench/cards_render.py [N]

Renders N cards (half with common names, half with CJK Extension A/B rare characters,
each with its own QR verification link) through the same `card_render_pdf` the issuing
service uses, and reports cards per second. Target: >= 40 cards/s on one core.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
django.setup()

from rencai.cards import fonts  # noqa: E402
from rencai.cards.render import CardContent, card_render_pdf  # noqa: E402
from rencai.cards.tokens import card_token  # noqa: E402

NAMES = ["张伟", "王芳", "欧阳晓明", "李𠇔华", "陈䶮", "王𪚥", "刘德华", "林心如"]


def main(n: int) -> None:
    started = time.perf_counter()
    fonts.registered_fonts()
    print(f"font registration (once per process): {time.perf_counter() - started:.3f}s")
    timings = []
    total_bytes = 0
    begin = time.perf_counter()
    for i in range(n):
        number = f"GZRK2026{i:06d}"
        content = CardContent(
            number=number,
            holder_name=NAMES[i % len(NAMES)],
            id_number_masked="4401**********123X",
            employer="广州市示范地铁集团有限公司",
            category="学历（本科）",
            issuing_office="广州市天河区人力资源和社会保障局",
            issued_on=date(2026, 11, 27),
            verify_url=f"https://rencai.example.org/cards/verify/{card_token(number)}/",
        )
        t = time.perf_counter()
        total_bytes += len(card_render_pdf(content))
        timings.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - begin
    timings.sort()
    print(f"cards: {n}, elapsed {elapsed:.2f}s, {n / elapsed:.1f} cards/s")
    print(
        f"per card ms: p50 {statistics.median(timings) * 1000:.1f} p95 {timings[int(0.95 * n) - 1] * 1000:.1f} p99 {timings[int(0.99 * n) - 1] * 1000:.1f}; mean PDF size {total_bytes / n / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
