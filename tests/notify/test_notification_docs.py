"""docs/notifications.md lists every SMS and e-mail template, and matches the code."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command

from rencai.cases import notifications, workflow
from rencai.notify.docs import OTHER, notifications_markdown

ROOT = Path(__file__).resolve().parents[2]
QUEUES = re.compile(r"\b(sms_enqueue|outbox_enqueue|staff_tell)\(")
#: Modules that queue messages and whose templates the generated part documents.
GENERATED = {"rencai.cases.services", "rencai.cases.process", "rencai.cases.effects", "rencai.cases.notifications",
             "rencai.notify.staff", "rencai.notify.services"}  # fmt: skip


def test_the_file_is_current():
    text = (ROOT / "docs" / "notifications.md").read_text(encoding="utf-8")
    assert text == notifications_markdown(), "run `manage.py notifications_docs`"
    call_command("notifications_docs", "--check")


def test_every_module_that_queues_a_message_is_listed():
    listed = {module for module, *_ in OTHER} | GENERATED
    queuing = set()
    for path in (ROOT / "rencai").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        calls = [m for m in QUEUES.finditer(source) if not source[: m.start()].endswith("def ")]
        if calls:
            queuing.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert queuing, "the scan found nothing: the pattern is wrong"
    assert queuing - listed == set(), "add these modules to rencai.notify.docs.OTHER"
    assert {m for m, *_ in OTHER} - queuing == set(), "OTHER lists a module that sends nothing"


def test_every_workflow_template_is_used_and_documented():
    used = {name for row in workflow.TRANSITIONS for name in row.notify}
    assert used == set(notifications.SMS_TEMPLATES)
    text = notifications_markdown()
    for name, body in notifications.SMS_TEMPLATES.items():
        assert f"| `{name}` |" in text and str(body) in text
    for name in ("UNIT_ARRIVAL", "OFFICE_ARRIVAL", "DIGEST_SMS", "UNIT_ADMIN_REMINDER",
                 "DEPARTMENT_ALERT"):  # fmt: skip
        assert f"`{name}`" in text
