"""`rencai import-units FILE.csv`: load the unit registry in batches, resumable."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rencai.orgs.importer import count_data_lines, units_import


class Command(BaseCommand):
    help = (
        "Import units from CSV (code,name,nature,level,district_code,supervisory_code,phone,"
        "address,former_names). Bad rows go to a rejects CSV; an interrupted import resumes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--rejects", type=Path, help="default: FILE.rejects.csv")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--restart", action="store_true", help="ignore the saved progress")
        parser.add_argument(
            "--defer-index",
            action="store_true",
            help="drop the substring-search index during the load and rebuild it at the end "
            "(faster for millions of rows)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self, *args, file, rejects, batch_size, restart, defer_index, no_progress, **options
    ):
        if not file.exists():
            raise CommandError(f"文件不存在 file not found: {file}")
        started = time.perf_counter()
        bar = tqdm(
            total=count_data_lines(file),
            unit="行",
            disable=no_progress or options.get("verbosity", 1) == 0,
            dynamic_ncols=True,
        )
        try:
            result = units_import(
                path=file,
                rejects_path=rejects,
                batch_size=batch_size,
                restart=restart,
                defer_index=defer_index,
                progress=bar.update,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        if result.skipped_lines:
            self.stdout.write(f"从第 {result.skipped_lines + 1} 行继续（已完成部分跳过）")
        self.stdout.write(
            f"导入 {result.imported} 个单位，拒绝 {result.rejected} 行（原因见 {result.rejects_path}），"
            f"用时 {time.perf_counter() - started:.1f}s"
        )
