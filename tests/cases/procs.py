"""Child processes for crash and concurrency tests: `python -m tests.cases.procs MODE …`.

The database comes from DATABASE_URL (a file SQLite database or the PostgreSQL test
database), so parent and children see the same committed rows.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    import django

    django.setup()


def setup(migrate: bool, due: int) -> dict:
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)
    from rencai.cases.models import Case
    from rencai.core import clock
    from tests.cases.factories import build_world, new_case, place

    world = build_world()
    draft = new_case(world)
    due_ids = []
    for _ in range(due):
        case = place(
            new_case(world), "awaiting_acceptance", due_at=clock.now(), due_action="auto_accept"
        )
        due_ids.append(case.pk)
    return {
        "draft": draft.pk, "due": due_ids, "applicant": world.applicant.pk,
        "cases": Case.objects.count(), "state": inspect(),
    }  # fmt: skip


def crash(case_id: int) -> None:
    from rencai.accounts.models import User
    from rencai.accounts.roles import ActingAs
    from rencai.cases import services
    from rencai.cases.models import Case

    def die(case):
        sys.stdout.write("status updated, dying\n")
        sys.stdout.flush()
        os._exit(17)

    services._after_status_update = die
    case = Case.objects.get(pk=case_id)
    user = User.objects.get(pk=case.applicant_id)
    services.case_transition(case=case, action="submit", actor=user, acting_as=ActingAs(None))
    sys.exit(1)  # not reached


def fire(start_at: float) -> dict:
    from rencai.cases.services import deadlines_fire

    while time.time() < start_at:
        time.sleep(0.005)
    total = 0
    while True:
        fired = deadlines_fire(batch=3)
        total += fired
        if not fired:
            break
    return {"fired": total}


def create(applicant_id: int, n: int, start_at: float) -> dict:
    from rencai.accounts.models import User
    from rencai.cases.services import case_create
    from rencai.orgs.models import Unit

    applicant = User.objects.get(pk=applicant_id)
    unit = Unit.objects.order_by("pk").first()
    while time.time() < start_at:
        time.sleep(0.005)
    from rencai.cases.models import Case

    # The shared applicant has an open draft (one open case each): a person per process.
    applicant = User.objects.create_user(f"numbers{os.getpid()}", None, real_name="编号")
    numbers = []
    for _ in range(n):
        case = case_create(applicant=applicant, unit=unit, category="skill")
        # One open case per person: close it, this test is about the number sequence.
        Case.objects.filter(pk=case.pk).update(status="withdrawn")
        numbers.append(case.number)
    return {"numbers": numbers}


def inspect() -> dict:
    from rencai.audit.models import AuditEvent
    from rencai.cases.models import Case, CaseEvent
    from rencai.notify.models import OutboxMessage

    return {
        "cases": {
            str(c.pk): [c.status, c.version, c.due_at is not None]
            for c in Case.objects.order_by("pk")
        },
        "events": [[e.case_id, e.action] for e in CaseEvent.objects.order_by("pk")],
        "outbox": OutboxMessage.objects.count(),
        "audit_transitions": AuditEvent.objects.filter(event__startswith="case.")
        .exclude(event="case.create")
        .count(),
    }


def main(argv: list[str]) -> None:
    _setup_django()
    mode, args = argv[0], argv[1:]
    if mode == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = {}
    elif mode == "setup":
        result = setup("--migrate" in args, int(args[-1]))
    elif mode == "crash":
        crash(int(args[0]))
        return
    elif mode == "fire":
        result = fire(float(args[0]))
    elif mode == "create":
        result = create(int(args[0]), int(args[1]), float(args[2]))
    else:
        result = inspect()
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
