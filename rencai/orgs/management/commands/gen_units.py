"""`rencai gen-units N FILE.csv`: a synthetic registry with valid, unique codes."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from rencai.orgs.generate import units_generate


class Command(BaseCommand):
    help = (
        "Generate N synthetic units (Guangzhou-style names, valid codes) as CSV for import-units."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("n", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--seed", type=int, default=20240601)

    def handle(self, *args, n, file, seed, **options):
        started = time.perf_counter()
        file.parent.mkdir(parents=True, exist_ok=True)
        units_generate(n, file, seed=seed)
        self.stdout.write(f"已生成 {n} 个单位 → {file}（{time.perf_counter() - started:.1f}s）")
