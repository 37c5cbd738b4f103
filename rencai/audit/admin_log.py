"""Every change made through the Django admin becomes an audit row.

One receiver on `LogEntry` post_save covers every ModelAdmin, inlines included: the admin
writes one LogEntry per add, change or delete, and an inline's rows are listed in the
parent's change message ("已添加 角色授权 …"). The audit row carries the event
`admin.add` / `admin.change` / `admin.delete`, the admin user, the object's type and id and
the change message; `audit_record` neutralises CR/LF and masks ID and mobile numbers.

Deleting several objects at once ("删除所选") makes the admin `bulk_create` its LogEntry
rows, which sends no post_save: `log_actions` is wrapped so those rows are audited too.

Views that already audit their domain event (User add/change in rencai.accounts.admin:
admin.user_add/admin.user_change; workday overrides: workdays.override_set/…) keep it:
those rows say what happened in the domain, these say who used the admin. The event names
differ, so nothing is counted twice.

The client IP: the admin's log calls carry no request, so the WSGI environ of the current
request is kept in a context variable (request_started/request_finished).
"""

from __future__ import annotations

import contextvars
import functools
from types import SimpleNamespace

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_save
from django.utils import translation

from rencai.audit.services import audit_record

EVENTS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}

_environ: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "rencai_audit_environ", default=None
)


def _request_started(sender, environ=None, **kwargs):
    _environ.set(environ)


def _request_finished(sender, **kwargs):
    _environ.set(None)


def _current_request():
    """Enough of the current request for audit_record's client IP (META only)."""
    environ = _environ.get()
    return SimpleNamespace(META=environ) if environ is not None else None


def log_entry_audit(entry: LogEntry) -> None:
    content_type = entry.content_type
    object_type = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    with translation.override(settings.LANGUAGE_CODE):
        message = entry.get_change_message()
    detail = f"{entry.object_repr}: {message}" if message else entry.object_repr
    audit_record(
        event=EVENTS.get(entry.action_flag, f"admin.{entry.action_flag}"),
        actor=entry.user,
        request=_current_request(),
        object_type=object_type,
        object_id=entry.object_id or "",
        detail=detail,
    )


def _log_entry_saved(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        log_entry_audit(instance)


def _wrap_log_actions(original):
    @functools.wraps(original)
    def log_actions(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if isinstance(result, list) and len(result) > 1:  # bulk_create: no post_save sent
            for entry in result:
                log_entry_audit(entry)
        return result

    log_actions.rencai_audited = True
    return log_actions


def connect() -> None:
    post_save.connect(_log_entry_saved, sender=LogEntry, dispatch_uid="rencai_audit_admin_log")
    request_started.connect(_request_started, dispatch_uid="rencai_audit_environ_start")
    request_finished.connect(_request_finished, dispatch_uid="rencai_audit_environ_end")
    if not getattr(LogEntryManager.log_actions, "rencai_audited", False):
        LogEntryManager.log_actions = _wrap_log_actions(LogEntryManager.log_actions)
