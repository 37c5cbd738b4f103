"""A process type as data: states, roles, the transition table, guards, effects, deadlines.

A process module builds one `Process` and calls `register(process)` at import time; the
app that owns it imports that module in `AppConfig.ready()`. Rows are matched on
(source, action, role); several rows may share a triple and their guards pick one (the
first whose guards all pass). A row whose `source` is `NEW` is a way to create a request
(`engine.start`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

#: The source of a row that creates a request (engine.start); the history shows "" as from.
NEW = ""
#: The role of the deadline worker (and of anonymous acts, like a public objection).
SYSTEM = "system"


@dataclass(frozen=True)
class DeadlineRule:
    """When `days` working days have passed, the worker fires `action` as the system."""

    action: str
    days: int
    #: Overrides `days`, read at each use: the Django setting of that name, else the
    #: environment variable (so a deployment sets any clock without a settings change).
    setting: str = ""
    #: A reminder clock after the real deadline: it sets when the system acts next but
    #: keeps the due date shown (the step stays overdue on lists and pages).
    keeps_date: bool = False

    @property
    def workdays(self) -> int:
        if not self.setting:
            return self.days
        return int(
            getattr(settings, self.setting, None) or os.environ.get(self.setting) or self.days
        )


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    role: str
    target: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    deadline: DeadlineRule | None = None
    notify: tuple[str, ...] = ()
    reason_required: bool = False
    label: str = ""  # overrides the process's action label for this row (lazy)
    #: Keep the due date (shown to the requester) but stop the clock: e.g. a reminder
    #: that does not change the state must not fire again.
    keep_due: bool = False


Guard = Callable[[Any], "str | None"]  # (Context) -> failure message, or None; may raise
Effect = Callable[[Any], None]  # (Context) -> None; changes ctx.obj or other rows


@dataclass(eq=False)
class Process:
    """One process type. Only `key`, `model`, `states`, `transitions`, `relation` are needed."""

    key: str  # "change_request": history rows, audit events ("change_request.approve"), docs
    label: str  # 信息变更申请 (lazy)
    model: str  # "changes.ChangeRequest": has ProcessFields (status, version, due_*)
    states: Mapping[str, str]  # value -> label (lazy)
    transitions: tuple[Transition, ...]
    #: (obj, actor, acting_as) -> the actor's role on this request, or None.
    relation: Callable[[Any, Any, Any], str | None]
    terminal: frozenset[str] = frozenset()
    #: (state, action) pairs that may leave a terminal state (cases: reopen after withdrawing).
    terminal_exits: frozenset[tuple[str, str]] = frozenset()
    roles: Mapping[str, str] = field(default_factory=dict)  # role -> label (lazy)
    actions: Mapping[str, str] = field(default_factory=dict)  # action -> button label (lazy)
    guards: dict[str, Guard] = field(default_factory=dict)  # name -> guard; append freely
    effects: dict[str, Effect] = field(default_factory=dict)  # name -> effect; append freely
    notifications: dict[str, Effect] = field(default_factory=dict)  # name -> sender (outbox)
    descriptions: dict[str, str] = field(default_factory=dict)  # guard/effect name -> doc text
    number_prefix: str = ""  # "BG": numbers BG2026-000123 (engine.start assigns `number`)
    #: Columns the effects may change, written with status/version/due_* by transition().
    fields: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()  # loaded with the locked row (relation, effects)
    #: (obj) -> who must act now ("广州市人才服务中心" / "申请人"), shown on lists.
    holder: Callable[[Any], str] | None = None
    #: (obj) -> the status as shown to people (defaults to the state's label).
    status_text: Callable[[Any], str] | None = None
    #: (obj) -> a short title for lists ("修改单位信息：某某公司").
    title: Callable[[Any], str] | None = None
    #: (user) -> QuerySet of this process's requests the person made ("my requests").
    mine: Callable[[Any], Any] | None = None
    #: (user) -> QuerySet of the requests this official's offices must act on (worklist).
    queue: Callable[[Any], Any] | None = None
    url: Callable[[Any], str] | None = None  # (obj) -> page for the requester
    office_url: Callable[[Any], str] | None = None  # (obj) -> page for the official
    #: False: the process has its own deadline worker (cases: bulk); the engine skips it.
    sweep: bool = True
    doc: str = ""  # a paragraph for the generated docs
    #: A state with no way out refuses any action as "already handled" (409 stale),
    #: rather than "not allowed in this state" (409 forbidden_transition).
    closed_is_stale: bool = False
    stale_message: str = ""  # the 409 text for a version mismatch (default: engine's)
    reason_message: str = ""  # the 400 text when a required reason is missing (lazy)

    # --- hooks for a process with more to it (the case workflow); all optional ----------
    #: (**fields) -> the Context guards/effects see (a Context subclass).
    context: Callable[..., Any] | None = None
    #: (ctx, action_label) -> the error for an actor with no relation (default NotFound).
    stranger: Callable[[Any, str], Exception] | None = None
    #: (ctx) -> raise to refuse after the role is known, before the guards run.
    before_guards: Callable[[Any], None] | None = None
    #: (ctx) -> write the changed row (default: UPDATE of status/version/due_*/fields).
    write: Callable[[Any], None] | None = None
    #: (ctx) -> the history row (default: a ProcessEvent).
    record: Callable[[Any], Any] | None = None
    #: (ctx) -> send the row's notifications (default: notifications[name](ctx) for each).
    notify: Callable[[Any], None] | None = None
    #: (pks) -> {pk: latest history row} (default: from ProcessEvent), for lists.
    last_events: Callable[[list[int]], dict] | None = None

    # --- reading the table ------------------------------------------------------------

    def action_label(self, row_or_action: Transition | str) -> str:
        if isinstance(row_or_action, Transition):
            if row_or_action.label:
                return str(row_or_action.label)
            action = row_or_action.action
        else:
            action = row_or_action
        return str(self.actions.get(action, action))

    def role_label(self, role: str) -> str:
        return str(self.roles.get(role, role))

    def state_label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def rows_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == state]

    def candidates(self, state: str, action: str, role: str) -> list[Transition]:
        return [
            t for t in self.transitions if (t.source, t.action, t.role) == (state, action, role)
        ]

    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)

    def check(self) -> list[str]:
        """Problems with the declaration (unknown states, guards, effects, …); [] if none."""
        problems = []
        for t in self.transitions:
            where = f"{self.key}: {t.source or 'NEW'} --{t.action}/{t.role}--> {t.target}"
            if t.source != NEW and t.source not in self.states:
                problems.append(f"{where}: unknown source state")
            if t.target not in self.states:
                problems.append(f"{where}: unknown target state")
            if t.source in self.terminal and (t.source, t.action) not in self.terminal_exits:
                problems.append(f"{where}: leaves a terminal state")
            for name in t.guards:
                if name not in self.guards:
                    problems.append(f"{where}: unknown guard {name}")
            for name in t.effects:
                if name not in self.effects:
                    problems.append(f"{where}: unknown effect {name}")
            for name in t.notify:
                if self.notify is None and name not in self.notifications:
                    problems.append(f"{where}: unknown notification {name}")
            if t.deadline and not any(
                r.source == t.target and r.action == t.deadline.action and r.role == SYSTEM
                for r in self.transitions
            ):
                problems.append(f"{where}: deadline action {t.deadline.action} has no system row")
        return problems


_REGISTRY: dict[str, Process] = {}


def register(process: Process) -> Process:
    """Add a process type (at import time). Re-registering the same key replaces it."""
    _REGISTRY[process.key] = process
    return process


def get(key: str) -> Process:
    return _REGISTRY[key]


def registered_keys():
    return _REGISTRY.keys()


def processes() -> list[Process]:
    return list(_REGISTRY.values())


def for_model(model) -> Process:
    label = model._meta.label
    for process in _REGISTRY.values():
        if process.model == label:
            return process
    raise LookupError(f"no process declared for {label}")
