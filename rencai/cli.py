"""The `rencai` console command: Django management commands without manage.py paths.

    rencai serve | worker | bootstrap | demo | migrate | loaddata-reference | ...

Dashes and underscores are interchangeable in command names.
"""

from __future__ import annotations

import os
import sys

# Files we create (the SQLite database and its WAL, var/, uploads, logs) are the service
# user's alone: nobody else on the host reads ID numbers or keys.
PRIVATE_UMASK = 0o077


def private_files() -> None:
    os.umask(PRIVATE_UMASK)


def main(argv: list[str] | None = None) -> None:
    private_files()
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    # The command name, and the name after `help` (`rencai help loaddata-reference`).
    positions = [1, 2] if len(argv) > 2 and argv[1] == "help" else [1]
    for i in positions:
        if i < len(argv) and not argv[i].startswith("-"):
            argv[i] = argv[i].replace("-", "_")
    argv[0] = "rencai"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
