"""Walk the whole table: every allowed row succeeds with exactly one event, one audit
entry and its SMS; every other (state, action, role) raises Conflict and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rencai.audit.models import AuditEvent
from rencai.cases import workflow
from rencai.cases.models import Case, CaseEvent
from rencai.cases.services import case_transition
from rencai.core import clock
from rencai.core.errors import Conflict, DomainError
from rencai.notify.models import OutboxMessage
from tests.cases.factories import attach_required, new_case, place, title_form

ROWS = list(enumerate(workflow.TRANSITIONS))
ROWS_T = workflow.TRANSITIONS


def row_id(item):
    index, t = item
    return f"{index}-{t.source}-{t.action}-{t.role}-{t.target}"


def scenario(world, t: workflow.Transition) -> tuple[Case, object]:
    """A case in t.source where t's guards hold; returns (case, target_office)."""
    guards = set(t.guards)
    target_office = None
    if guards & {"route_direct"} or (t.source in ("under_review",) and t.role == "office"):
        unit = world.private
    elif "reroute_direct" in guards:
        unit = world.private  # filed at the wrong district window
    else:
        unit = world.soe
    started_by = world.unit_admin if "started_by_unit" in guards else None
    case = new_case(world, unit=unit, created_by=started_by)
    holding, step = None, None
    if t.source == "dept_review":
        index = 1 if guards & {"chain_is_last", "chain_has_prev"} else 0
        step = world.dept_steps[index]
    if t.source == "under_review":
        if "review_is_last" in guards:
            step = world.review_steps[2]
        elif "review_has_prev" in guards:
            step = world.review_steps[1]
        else:
            step = world.review_steps[0]
    if "reroute_direct" in guards:
        holding = "district-440104"
    if "reroute_via_unit" in guards:
        holding = "district-440106"  # FAQ 二.6: a city SOE's case landed at a district
    if t.source == "draft":
        return case, target_office
    extra = {}
    if t.role == "system" and any(r.deadline and r.deadline.action == t.action for r in ROWS_T):
        extra = {"due_at": clock.now(), "due_action": t.action}
    if "verification_clear" in guards:  # the 秒批 rows (rencai.verification)
        from tests.verification.factories import arrange_instant_approval

        arrange_instant_approval(case, notice="category_has_notice" in guards)
    return place(case, t.source, holding=holding, step=step, **extra), target_office


def counts(case):
    return (
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).count(),
        # the applicant's SMS (the table's `notify`); messages to the people who must
        # act (unit admins, department staff) are effects, checked in test_unit_clock.py
        OutboxMessage.objects.filter(recipient=case.applicant.mobile).count(),
    )


@pytest.mark.parametrize("item", ROWS, ids=[row_id(i) for i in ROWS])
def test_every_allowed_transition(world, item):
    _index, t = item
    case, target_office = scenario(world, t)
    actor, acting_as = world.actor(t.role, case)
    events, audits, outbox = counts(case)
    version = case.version
    case_transition(
        case=case, action=t.action, actor=actor, acting_as=acting_as,
        reason="材料不全" if t.reason_required else "", expected_version=version,
        target_office=target_office,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == t.target
    assert case.version == version + 1
    assert counts(case) == (events + 1, audits + 1, outbox + len(t.notify))
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.from_status, event.to_status) == (t.action, t.source, t.target)
    assert event.role == t.role and event.version == case.version
    assert event.actor == actor
    audit = AuditEvent.objects.filter(object_id=str(case.pk)).order_by("-id").first()
    assert audit.event == f"case.{t.action}" and audit.actor == actor
    assert audit.acting_as == ("系统" if actor is None else acting_as.label)
    if t.deadline:
        assert case.due_action == t.deadline.action and case.due_at > clock.now()
        assert case.due_date is not None
    else:
        assert case.due_at is None and case.due_action == ""
    event_messages = OutboxMessage.objects.filter(
        idempotency_key__startswith=f"case:{case.pk}:{event.pk}"
    )
    assert event_messages.count() == len(t.notify)
    for message in event_messages:
        assert message.recipient == case.applicant.mobile
        assert message.idempotency_key == f"case:{case.pk}:{event.pk}"
        assert case.number in message.body


def _placed(world, state):
    unit = world.soe if state in ("unit_review", "dept_review", "withdrawn") else world.private
    case = new_case(world, unit=unit)
    step = None
    if state == "dept_review":
        step = world.dept_steps[0]
    if state == "under_review":
        step = world.review_steps[0]
    return case if state == "draft" else place(case, state, step=step)


def snapshot(case):
    case.refresh_from_db()
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname != "updated_at"]
    return {f: getattr(case, f) for f in fields}, counts(case)


@pytest.mark.parametrize("state", workflow.STATES)
def test_every_forbidden_combination_changes_nothing(world, state):
    case = _placed(world, state)
    allowed = workflow.allowed_triples()
    tried = 0
    for action in workflow.ACTIONS:
        for role in (*workflow.Role.ALL, "stranger"):
            if (state, action, role) in allowed:
                continue
            before = snapshot(case)
            actor, acting_as = world.actor(role, case)
            with pytest.raises(Conflict) as info:
                case_transition(
                    case=case, action=action, actor=actor, acting_as=acting_as, reason="x"
                )
            assert info.value.status == 409 and info.value.message
            assert snapshot(case) == before, (action, role)
            tried += 1
    assert tried > 0


def test_stale_version_is_refused(world):
    case = new_case(world)
    actor, acting_as = world.actor("applicant", case)
    stale = case.version
    case_transition(case=case, action="submit", actor=actor, acting_as=acting_as)
    before = snapshot(case)
    office, office_as = world.officials["district-440106"]
    with pytest.raises(Conflict, match="该申请已被他人处理，请刷新后重试"):
        case_transition(
            case=case, action="accept", actor=office, acting_as=office_as, expected_version=stale
        )
    assert snapshot(case) == before


def test_reason_is_required_for_returns(world):
    case = place(new_case(world), "awaiting_acceptance")
    office, office_as = world.officials["district-440106"]
    with pytest.raises(DomainError, match="须填写意见或原因"):
        case_transition(case=case, action="return", actor=office, acting_as=office_as, reason=" ")


def test_missing_attachments_block_submission(world):
    case = new_case(world, attach=False, **title_form())
    with pytest.raises(Conflict, match="身份证") as info:
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert "职称证书" in info.value.message


def test_unit_admin_forwards_only_drafts_it_started(world):
    # The applicant's own draft is private: the unit has no relation to it until it is
    # submitted; a draft the unit started (FAQ 二.3) it may forward itself.
    case = new_case(world, unit=world.soe)
    with pytest.raises(Conflict, match="身份不能"):
        case_transition(
            case=case, action="forward", actor=world.unit_admin, acting_as=world.unit_acting
        )
    started = new_case(world, unit=world.soe, created_by=world.unit_admin)
    case_transition(
        case=started, action="forward", actor=world.unit_admin, acting_as=world.unit_acting
    )
    assert started.status == "dept_review"


def test_incomplete_form_blocks_submission_whatever_the_entry_point(world):
    case = new_case(world, attach=False)
    attach_required(case)
    with pytest.raises(Conflict, match="职称系列、资格名称、证书编号"):
        case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    case.refresh_from_db()
    assert case.status == "draft" and case.version == 1


def test_reapply_block_is_checked_at_submission_and_reopen(world):
    from rencai.cases.models import HistoricalSettlement
    from rencai.cases.reapply import reapply_lift
    from rencai.cases.services import application_start

    withdrawn = place(new_case(world), "withdrawn")
    draft = new_case(world)  # one open case per person: the withdrawn one is closed
    # The person's earlier move is imported after these cases were started.
    HistoricalSettlement.objects.create(
        year=2019, source="legacy", recorded_at=clock.now(),
        id_number_index=world.applicant.id_number_index,
        id_number_masked=world.applicant.id_number_masked,
    )  # fmt: skip
    with pytest.raises(Conflict, match="已禁止再报"):
        case_transition(case=draft, action="submit", actor=draft.applicant, acting_as=None)
    with pytest.raises(Conflict, match="已禁止再报"):
        case_transition(case=withdrawn, action="reopen", actor=withdrawn.applicant, acting_as=None)
    assert Case.objects.get(pk=draft.pk).status == "draft"
    assert Case.objects.get(pk=withdrawn.pk).status == "withdrawn"
    # A lift opens ONE application: the person's open draft (one open case per person),
    # not a second one beside it, nor the withdrawn one.
    official, _acting = world.officials["district-440106"]
    reapply_lift(person=world.applicant, official=official, reason="政策调整，准予再次申报")
    with pytest.raises(Conflict, match="进行中"):
        application_start(applicant=world.applicant, unit=world.private, category="title")
    with pytest.raises(Conflict, match="已禁止再报"):
        case_transition(case=withdrawn, action="reopen", actor=withdrawn.applicant, acting_as=None)
    case_transition(case=draft, action="submit", actor=draft.applicant, acting_as=None)
    assert draft.status == "awaiting_acceptance" and draft.reapply_lift_id is not None


def test_unit_withdraw_only_within_the_hour(world):
    case = place(new_case(world, unit=world.soe), "dept_review", step=world.dept_steps[0])
    Case.objects.filter(pk=case.pk).update(forwarded_at=clock.now() - timedelta(minutes=61))
    with pytest.raises(Conflict, match="超过1小时"):
        case_transition(
            case=case, action="unit_withdraw", actor=world.unit_admin, acting_as=world.unit_acting
        )


def test_reopen_after_withdrawal_is_open_to_all_but_the_employer_change_is_not(world):
    from rencai.cases.services import case_unit_change_refusal

    for unit, changeable in ((world.private, False), (world.soe, True)):
        case = place(new_case(world, unit=unit), "withdrawn")
        case_transition(case=case, action="reopen", actor=case.applicant, acting_as=None)
        assert case.status == "draft" and case.unit_changeable is changeable
        refusal = case_unit_change_refusal(case)
        assert (refusal is None) is changeable
        if not changeable:
            assert "事业单位、市属国有企业" in refusal


def test_step_staff_restriction(world):
    step = world.dept_steps[0]
    step.any_staff = False
    step.save()
    case = place(new_case(world, unit=world.soe), "dept_review", step=step)
    user, acting_as = world.officials["dept-sasac"]
    with pytest.raises(Conflict, match="指定人员"):
        case_transition(case=case, action="approve", actor=user, acting_as=acting_as)
    step.staff.add(user)
    case_transition(case=case, action="approve", actor=user, acting_as=acting_as)
    assert case.chain_step == world.dept_steps[1]


def test_revoked_grant_cannot_act(world):
    case = place(new_case(world), "awaiting_acceptance")
    user, acting_as = world.officials["district-440106"]
    acting_as.grant.revoked_at = clock.now()
    acting_as.grant.save()
    with pytest.raises(Conflict):
        case_transition(case=case, action="accept", actor=user, acting_as=acting_as)
