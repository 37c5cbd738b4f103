"""Child process for the sweep crash test: `python -m tests.cases.sweep_procs kill N BATCH`.

Runs one deadline sweep and SIGKILLs itself right after the N-th case of the batch has
had its status updated (inside the batch's transaction, before history/outbox rows).
"""

from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    import django

    django.setup()
    from rencai.cases import services

    after, batch = int(argv[1]), int(argv[2])
    seen = []

    def die(case):
        seen.append(case.pk)
        if len(seen) == after:
            sys.stdout.write(f"updated {len(seen)} cases, killing myself\n")
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    services._after_status_update = die
    services.deadlines_fire(batch=batch)
    sys.exit(3)  # not reached


if __name__ == "__main__":
    main(sys.argv[1:])
