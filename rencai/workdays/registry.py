"""Who stores deadlines computed from this calendar, so they can be recomputed.

An app that stores a `Deadline` registers the model once, in its `AppConfig.ready()`:

    from rencai.workdays.registry import register_deadline_holder

    register_deadline_holder(
        Case,
        due_field="accept_due_date",           # DateField
        fires_field="accept_fires_at",         # DateTimeField
        provisional_field="accept_provisional",  # BooleanField
        start_field="submitted_at",            # DateTimeField or DateField
        workdays_field="accept_workdays",      # a field name, or a fixed int such as 5
        on_change=notify_applicant,            # optional: called (obj, old_due, old_fires, new)
    )

When an official schedule is loaded, `services.provisional_deadlines_recompute()` revisits
every row whose provisional flag is set. This is wiring, done once at start-up like
`admin.site.register`; registering the same fields twice keeps one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class DeadlineHolder:
    model: type[models.Model]
    due_field: str
    fires_field: str
    provisional_field: str
    start_field: str
    workdays_field: str | int
    on_change: Callable[..., Any] | None = None

    def workdays_of(self, obj: models.Model) -> int:
        if isinstance(self.workdays_field, int):
            return self.workdays_field
        return int(getattr(obj, self.workdays_field))


_holders: dict[tuple, DeadlineHolder] = {}


def register_deadline_holder(
    model: type[models.Model],
    due_field: str,
    fires_field: str,
    provisional_field: str,
    start_field: str,
    workdays_field: str | int,
    *,
    on_change: Callable[..., Any] | None = None,
) -> DeadlineHolder:
    for name in (due_field, fires_field, provisional_field, start_field):
        model._meta.get_field(name)  # fail at start-up on a typo, not during a recompute
    if isinstance(workdays_field, str):
        model._meta.get_field(workdays_field)
    elif workdays_field < 0:
        raise ValueError("workdays_field must be a field name or an int >= 0")
    holder = DeadlineHolder(
        model, due_field, fires_field, provisional_field, start_field, workdays_field, on_change
    )
    _holders[(model._meta.label_lower, due_field, fires_field)] = holder
    return holder


def unregister_deadline_holder(holder: DeadlineHolder) -> None:
    _holders.pop((holder.model._meta.label_lower, holder.due_field, holder.fires_field), None)


def deadline_holders() -> list[DeadlineHolder]:
    return list(_holders.values())
