from datetime import timedelta

from django.core.management.base import BaseCommand

from rencai.documents.orphans import orphan_files_delete, orphan_files_find


class Command(BaseCommand):
    help = (
        "List stored files (attachments, previews, cards) that no row refers to, e.g. left by "
        "uploads whose transaction rolled back; --delete removes them. Only files older than "
        "--grace-hours (default 24) are considered."
    )

    def add_arguments(self, parser):
        parser.add_argument("--grace-hours", type=float, default=24.0)
        parser.add_argument("--delete", action="store_true")

    def handle(self, *args, grace_hours: float, delete: bool, **options):
        orphans = orphan_files_find(grace=timedelta(hours=grace_hours))
        for orphan in orphans:
            self.stdout.write(f"{orphan.name}\t{orphan.size}")
        size = sum(o.size for o in orphans)
        if delete:
            n = orphan_files_delete(orphans=orphans)
            self.stdout.write(f"已删除 {n} 个无主文件（{size} 字节） / deleted {n} orphaned files")
        else:
            self.stdout.write(
                f"无主文件 {len(orphans)} 个（{size} 字节）；加 --delete 删除 / "
                f"{len(orphans)} orphaned files; --delete removes them"
            )
