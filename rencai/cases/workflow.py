"""The workflow as data: every allowed move of a case, in one table.

`case_transition` (services), the buttons and API (selectors.case_actions_for), the
status page and docs/workflow.md (`rencai workflow-docs`) are all driven from TRANSITIONS.
A (state, action, role) triple not in the table is forbidden. Several rows may share a
triple; their guards pick one (e.g. `submit` goes to the unit or straight to the district
window depending on the route). Guards and effects are named here and implemented in
`guards.py` / `effects.py`; notifications are SMS templates in `notifications.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rencai.cases.models import Case
from rencai.orgs.models import Unit
from rencai.process import declare as process_declare
from rencai.process.declare import NEW, DeadlineRule

__all__ = ["DeadlineRule", "Transition", "TRANSITIONS"]

State = Case.Status
STATES: tuple[str, ...] = tuple(State.values)
INITIAL = State.DRAFT
#: No way out, except the documented exits in TERMINAL_EXITS.
TERMINAL = frozenset({State.CARD_ISSUED, State.REJECTED, State.WITHDRAWN})
#: FAQ 一.18: after withdrawing, an applicant may reopen and resubmit.
TERMINAL_EXITS = frozenset({(State.WITHDRAWN, "reopen")})


class Role:
    """The actor's relation to the case (not a global role)."""

    APPLICANT = "applicant"  # the applicant who owns the case, acting personally
    UNIT_ADMIN = "unit_admin"  # a unit admin of the case's unit, acting for the unit
    OFFICE = "office"  # staff of the office holding the case (and of its current step)
    SYSTEM = "system"  # the deadline worker; a public objection (rencai.notice)

    ALL = ("applicant", "unit_admin", "office", "system")
    LABELS = {
        "applicant": _("申请人"),
        "unit_admin": _("单位管理员"),
        "office": _("办理机构工作人员"),
        "system": _("系统"),
    }


#: Button and history labels, with msgctxt "workflow action" so that they are translated
#: apart from the same words used as a status (受理: Accept / Accepted). These and
#: Role.LABELS are lazy: they render in the viewer's language. Records (CaseEvent, audit,
#: SMS) are written under the site language (services.case_transition), docs/workflow.md
#: under zh-hans (docs.workflow_markdown).
ACTION_LABELS = {
    "submit": pgettext_lazy("workflow action", "送审"),
    "forward": pgettext_lazy("workflow action", "单位审核通过并送审"),
    "unit_withdraw": pgettext_lazy("workflow action", "单位撤回（送审后1小时内）"),
    "withdraw": pgettext_lazy("workflow action", "撤回申请"),
    "reopen": pgettext_lazy("workflow action", "重新填报"),
    "approve": pgettext_lazy("workflow action", "审核通过"),
    "send_back_step": pgettext_lazy("workflow action", "退回上一步"),
    "return": pgettext_lazy("workflow action", "退回修改"),
    "accept": pgettext_lazy("workflow action", "受理"),
    "auto_accept": pgettext_lazy("workflow action", "系统自动受理"),
    "reroute": pgettext_lazy("workflow action", "改派受理机构"),
    "reject": pgettext_lazy("workflow action", "不予通过"),
    "notice_pass": pgettext_lazy("workflow action", "公示期满无异议，出具入户卡"),
    "objection_open": pgettext_lazy("workflow action", "收到公示异议，暂停公示"),
    "objection_dismiss": pgettext_lazy("workflow action", "异议不成立，恢复公示"),
    "objection_uphold": pgettext_lazy("workflow action", "异议成立，退回重新审批"),
    "unit_review_remind": pgettext_lazy("workflow action", "单位审核逾期，系统提醒单位管理员"),
    "unit_review_escalate": pgettext_lazy("workflow action", "单位逾期未审核，转主管部门审核"),
    "instant_approve": pgettext_lazy("workflow action", "系统秒批"),  # rencai.verification
    "create": pgettext_lazy("workflow action", "新建申请"),
    "draft_remind": pgettext_lazy("workflow action", "草稿逾期未送审，系统提醒申请人"),
    "draft_expire": pgettext_lazy("workflow action", "草稿提醒后仍未送审，系统撤回"),
    "correction_remind": pgettext_lazy("workflow action", "退回后逾期未修改，系统提醒申请人"),
    "correction_expire": pgettext_lazy("workflow action", "提醒后仍未修改送审，视为撤回"),
    "step_remind": pgettext_lazy("workflow action", "审核逾期，系统提醒办理人员"),
    "step_remind_again": pgettext_lazy("workflow action", "审核仍逾期，系统再次提醒办理人员"),
}
ACTIONS: tuple[str, ...] = tuple(ACTION_LABELS)

#: Working days before an office's silence means acceptance (FAQ 二.5: 第6个工作日自动受理).
ACCEPTANCE_WORKDAYS = 5
#: Public notice period (FAQ 一.11: 公示5个工作日).
NOTICE_WORKDAYS = 5
#: A unit admin may pull back its own forwarding within this many minutes (FAQ 二.4).
UNIT_WITHDRAW_MINUTES = 60

#: FAQ 一.18: natures whose applicants may also change the employer after withdrawing
#: (services.case_unit_change_refusal reads it; every applicant may reopen and resubmit).
UNIT_CHANGE_AFTER_WITHDRAW = frozenset({Unit.Nature.INSTITUTION, Unit.Nature.CITY_SOE})


@dataclass(frozen=True)
class Transition(process_declare.Transition):
    """A row of the table: the engine's Transition (rencai.process.declare), with the
    case's action labels."""

    @property
    def action_label(self) -> str:
        """The button label in the active language (a plain str, fit for JSON)."""
        return str(self.label or ACTION_LABELS[self.action])


T = Transition
S = State
R = Role
AUTO_ACCEPT = DeadlineRule("auto_accept", ACCEPTANCE_WORKDAYS)
NOTICE = DeadlineRule("notice_pass", NOTICE_WORKDAYS)
#: Unit review (finding: a case sat in 单位审核中 with no clock and nobody to act). The
#: unit's admins have RENCAI_UNIT_REVIEW_WORKDAYS; then the system reminds them by SMS and
#: e-mail (unit_review_remind) and gives them RENCAI_UNIT_REVIEW_ESCALATE_WORKDAYS more;
#: then it escalates: the case moves to the first step of the supervisory department's
#: chain (unit_review_escalate), where the department's staff act on it as on a forwarded
#: case (approve → acceptance, or return to the applicant). We chose a move over letting
#: the department act on a case the unit still holds: one holder per state, the
#: department's existing rows and worklist, and the unit cannot pull it back (it never
#: forwarded it). The history shows the unit did not review it.
UNIT_REVIEW_WORKDAYS = 5
UNIT_REVIEW_ESCALATE_WORKDAYS = 3
UNIT_CLOCK = DeadlineRule("unit_review_remind", UNIT_REVIEW_WORKDAYS, "RENCAI_UNIT_REVIEW_WORKDAYS")
UNIT_CLOCK_LATE = DeadlineRule(
    "unit_review_escalate", UNIT_REVIEW_ESCALATE_WORKDAYS, "RENCAI_UNIT_REVIEW_ESCALATE_WORKDAYS"
)
#: The other open states' clocks (our choices: no source gives these times; each is a
#: setting or environment variable of the same name). A draft: the applicant is reminded
#: after DRAFT_WORKDAYS; a draft still not submitted DRAFT_EXPIRE_WORKDAYS later is
#: withdrawn by the system — it reopens with everything filled in (FAQ 一.18), and meanwhile
#: it no longer blocks a new application (one open case per person). Returned for
#: correction (退回修改): the same, 视为撤回 when still not resubmitted. Each review step of
#: an office (the department's chain, the acceptance office's review): its staff are
#: reminded after REVIEW_STEP_WORKDAYS, then every REVIEW_REMIND_WORKDAYS while overdue —
#: an office's silence never decides a case (unlike acceptance, FAQ 二.5), it is chased.
DRAFT_WORKDAYS, DRAFT_EXPIRE_WORKDAYS = 20, 10
CORRECTION_WORKDAYS, CORRECTION_EXPIRE_WORKDAYS = 10, 5
REVIEW_STEP_WORKDAYS, REVIEW_REMIND_WORKDAYS = 5, 3
DRAFT_CLOCK = DeadlineRule("draft_remind", DRAFT_WORKDAYS, "RENCAI_DRAFT_WORKDAYS")
DRAFT_CLOCK_LATE = DeadlineRule(
    "draft_expire", DRAFT_EXPIRE_WORKDAYS, "RENCAI_DRAFT_EXPIRE_WORKDAYS"
)
CORRECTION_CLOCK = DeadlineRule(
    "correction_remind", CORRECTION_WORKDAYS, "RENCAI_CORRECTION_WORKDAYS"
)
CORRECTION_CLOCK_LATE = DeadlineRule(
    "correction_expire", CORRECTION_EXPIRE_WORKDAYS, "RENCAI_CORRECTION_EXPIRE_WORKDAYS"
)
STEP_CLOCK = DeadlineRule("step_remind", REVIEW_STEP_WORKDAYS, "RENCAI_REVIEW_STEP_WORKDAYS")
STEP_CLOCK_AGAIN = DeadlineRule(
    "step_remind_again", REVIEW_REMIND_WORKDAYS, "RENCAI_REVIEW_REMIND_WORKDAYS", keeps_date=True
)
BEFORE_ACCEPTANCE = (S.UNIT_REVIEW, S.DEPT_REVIEW, S.AWAITING_ACCEPTANCE, S.RETURNED)
#: Every submission (by the applicant, or forwarded by the unit) checks these first.
READY = (
    "unit_registered",  # issue #11: a draft may wait for its 新增单位 request
    "not_reapply_blocked", "form_complete", "attachments_complete",
    "eligibility_hard_rules",  # rencai.verification: a hard eligibility rule not met
)  # fmt: skip

# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # --- a new draft (services.case_create / application_start) --------------------------
    T(NEW, "create", R.APPLICANT, S.DRAFT, deadline=DRAFT_CLOCK),
    T(NEW, "create", R.UNIT_ADMIN, S.DRAFT, deadline=DRAFT_CLOCK),
    # --- applicant -------------------------------------------------------------------
    *(
        T(src, "submit", R.APPLICANT, S.UNIT_REVIEW,
          guards=(*READY, "route_via_unit", "department_chain_configured", "unit_admin_active"),
          effects=("route_record", "submitted", "to_unit"), deadline=UNIT_CLOCK,
          notify=("submitted",))
        for src in (S.DRAFT, S.RETURNED)
    ),
    *(
        T(src, "submit", R.APPLICANT, S.AWAITING_ACCEPTANCE,
          guards=(*READY, "route_direct"),
          effects=("route_record", "submitted", "to_acceptance"), deadline=AUTO_ACCEPT,
          notify=("submitted",))
        for src in (S.DRAFT, S.RETURNED)
    ),
    *(
        T(src, "withdraw", R.APPLICANT, S.WITHDRAWN, effects=("leave_offices", "closed"),
          notify=("withdrawn",))
        for src in BEFORE_ACCEPTANCE
    ),
    T(S.WITHDRAWN, "reopen", R.APPLICANT, S.DRAFT, guards=("not_reapply_blocked",),
      effects=("reopened",), deadline=DRAFT_CLOCK),
    # --- the applicant's clocks (see DRAFT_CLOCK above) ------------------------------------
    T(S.DRAFT, "draft_remind", R.SYSTEM, S.DRAFT, deadline=DRAFT_CLOCK_LATE,
      notify=("draft_reminder",)),
    T(S.DRAFT, "draft_expire", R.SYSTEM, S.WITHDRAWN, effects=("closed",),
      notify=("draft_expired",)),
    T(S.RETURNED, "correction_remind", R.SYSTEM, S.RETURNED, deadline=CORRECTION_CLOCK_LATE,
      notify=("correction_reminder",)),
    T(S.RETURNED, "correction_expire", R.SYSTEM, S.WITHDRAWN, effects=("closed",),
      notify=("correction_expired",)),
    # --- unit admin (city organs, institutions and SOEs only) ---------------------------
    *(
        T(src, "forward", R.UNIT_ADMIN, S.DEPT_REVIEW,
          guards=(*pre, *READY, "route_via_unit", "department_chain_configured"),
          effects=("route_record", "submitted", "forwarded", "to_department"),
          deadline=STEP_CLOCK, notify=("forwarded",))
        for src, pre in ((S.DRAFT, ("started_by_unit",)), (S.UNIT_REVIEW, ()), (S.RETURNED, ()))
    ),
    T(S.UNIT_REVIEW, "return", R.UNIT_ADMIN, S.RETURNED, reason_required=True,
      effects=("leave_offices",), deadline=CORRECTION_CLOCK, notify=("returned",)),
    T(S.DEPT_REVIEW, "unit_withdraw", R.UNIT_ADMIN, S.UNIT_REVIEW,
      guards=("forwarded_within_hour", "chain_at_first_step"), effects=("to_unit",),
      deadline=UNIT_CLOCK),
    # --- the unit's clock (see UNIT_CLOCK above) -----------------------------------------
    T(S.UNIT_REVIEW, "unit_review_remind", R.SYSTEM, S.UNIT_REVIEW,
      effects=("remind_unit_admins",), deadline=UNIT_CLOCK_LATE),
    T(S.UNIT_REVIEW, "unit_review_escalate", R.SYSTEM, S.DEPT_REVIEW,
      effects=("to_department", "alert_department"), deadline=STEP_CLOCK,
      notify=("unit_review_escalated",)),
    # --- supervisory department's internal chain (内流程) -----------------------------
    T(S.DEPT_REVIEW, "approve", R.OFFICE, S.DEPT_REVIEW, guards=("chain_has_next",),
      effects=("chain_next",), deadline=STEP_CLOCK, notify=("step_passed",)),
    T(S.DEPT_REVIEW, "approve", R.OFFICE, S.AWAITING_ACCEPTANCE, guards=("chain_is_last",),
      effects=("to_acceptance",), deadline=AUTO_ACCEPT, notify=("to_acceptance",)),
    T(S.DEPT_REVIEW, "send_back_step", R.OFFICE, S.DEPT_REVIEW, guards=("chain_has_prev",),
      effects=("chain_prev",), deadline=STEP_CLOCK, reason_required=True),
    T(S.DEPT_REVIEW, "return", R.OFFICE, S.RETURNED, reason_required=True,
      effects=("leave_offices",), deadline=CORRECTION_CLOCK, notify=("returned",)),
    # --- acceptance office (district window or city bureau) ------------------------------
    T(S.AWAITING_ACCEPTANCE, "accept", R.OFFICE, S.UNDER_REVIEW, effects=("accepted",),
      deadline=STEP_CLOCK, notify=("accepted",)),
    T(S.AWAITING_ACCEPTANCE, "auto_accept", R.SYSTEM, S.UNDER_REVIEW, effects=("accepted",),
      deadline=STEP_CLOCK, notify=("auto_accepted",)),
    T(S.AWAITING_ACCEPTANCE, "return", R.OFFICE, S.RETURNED, reason_required=True,
      effects=("leave_offices",), deadline=CORRECTION_CLOCK, notify=("returned",)),
    T(S.AWAITING_ACCEPTANCE, "reroute", R.OFFICE, S.AWAITING_ACCEPTANCE,
      guards=("reroute_direct",), effects=("route_record", "to_acceptance"),
      deadline=AUTO_ACCEPT, reason_required=True, notify=("rerouted",)),
    T(S.AWAITING_ACCEPTANCE, "reroute", R.OFFICE, S.UNIT_REVIEW,
      guards=("reroute_via_unit", "unit_admin_active"), effects=("route_record", "to_unit"),
      deadline=UNIT_CLOCK, reason_required=True, notify=("rerouted",)),
    T(S.UNDER_REVIEW, "approve", R.OFFICE, S.UNDER_REVIEW, guards=("review_has_next",),
      effects=("chain_next",), deadline=STEP_CLOCK, notify=("step_passed",)),
    T(S.UNDER_REVIEW, "approve", R.OFFICE, S.IN_NOTICE, guards=("review_is_last",),
      effects=("decided",), deadline=NOTICE, notify=("approved",),
      label=pgettext_lazy("workflow action", "审批通过")),
    T(S.UNDER_REVIEW, "send_back_step", R.OFFICE, S.UNDER_REVIEW, guards=("review_has_prev",),
      effects=("chain_prev",), deadline=STEP_CLOCK, reason_required=True),
    T(S.UNDER_REVIEW, "return", R.OFFICE, S.RETURNED, reason_required=True,
      effects=("leave_offices",), deadline=CORRECTION_CLOCK, notify=("returned",)),
    T(S.UNDER_REVIEW, "reject", R.OFFICE, S.REJECTED, reason_required=True,
      effects=("decided", "closed"), notify=("rejected",)),
    # --- an office's review clock (see STEP_CLOCK above) ----------------------------------
    *(
        T(src, action, R.SYSTEM, src, effects=("remind_step_staff",), deadline=STEP_CLOCK_AGAIN)
        for src in (S.DEPT_REVIEW, S.UNDER_REVIEW)
        for action in ("step_remind", "step_remind_again")
    ),
    # --- public notice (公示) ----------------------------------------------------------
    T(S.IN_NOTICE, "notice_pass", R.SYSTEM, S.CARD_ISSUED,
      effects=("closed", "record_settlement", "issue_card"), notify=("card_issued",)),
    # Anyone may object on the public notice page (no account): rencai.notice.services.
    # objection_file records it and moves the case as the system, pausing the notice.
    T(S.IN_NOTICE, "objection_open", R.SYSTEM, S.OBJECTION, reason_required=True,
      notify=("objection_opened",)),
    T(S.OBJECTION, "objection_dismiss", R.OFFICE, S.IN_NOTICE, reason_required=True,
      effects=("objections_dismissed",), deadline=NOTICE, notify=("notice_resumed",)),
    T(S.OBJECTION, "objection_uphold", R.OFFICE, S.UNDER_REVIEW, reason_required=True,
      effects=("objections_upheld", "back_to_review"), deadline=STEP_CLOCK,
      notify=("objection_upheld",)),
    # --- 秒批: instant approval by the system (rencai.verification, issue #12) -----------
    # The verification worker fires it when every data check passed, every eligibility
    # rule is met and the case was not sampled; guards live in verification/workflow_hooks.
    T(S.AWAITING_ACCEPTANCE, "instant_approve", R.SYSTEM, S.IN_NOTICE,
      guards=("verification_clear", "category_has_notice"), effects=("accepted", "decided"),
      deadline=NOTICE, notify=("instant_approved",), reason_required=True),
    T(S.AWAITING_ACCEPTANCE, "instant_approve", R.SYSTEM, S.CARD_ISSUED,
      guards=("verification_clear", "category_without_notice"),
      effects=("accepted", "decided", "closed", "record_settlement", "issue_card"),
      notify=("instant_card",), reason_required=True),
    # --- end 秒批 ----------------------------------------------------------------------
)
# fmt: on


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]


def candidates(state: str, action: str, role: str) -> list[Transition]:
    return [t for t in TRANSITIONS if (t.source, t.action, t.role) == (state, action, role)]


def allowed_triples() -> set[tuple[str, str, str]]:
    return {(t.source, t.action, t.role) for t in TRANSITIONS}


def reachable_targets(state: str) -> set[str]:
    return {t.target for t in transitions_from(state)}
