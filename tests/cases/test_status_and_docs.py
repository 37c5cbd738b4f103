import pytest
from django.core.management import call_command

from rencai.cases import workflow
from rencai.cases.selectors import case_actions_for, case_status_text
from rencai.cases.services import case_transition
from rencai.process.declare import NEW
from tests.cases.factories import new_case, place


def test_status_text_uses_the_seed_wording(world):
    case = new_case(world)
    assert case_status_text(case) == "草稿"
    case_transition(case=case, action="submit", actor=case.applicant, acting_as=None)
    assert case_status_text(case) == "未受理，等待（广州市天河区人力资源和社会保障局受理）"
    user, acting_as = world.officials["district-440106"]
    case_transition(case=case, action="accept", actor=user, acting_as=acting_as)
    assert case_status_text(case) == "已受理，广州市天河区人力资源和社会保障局审批中"
    city = place(new_case(world, unit=world.soe), "awaiting_acceptance")
    assert case_status_text(city) == "未受理，等待（广州市人力资源和社会保障局受理）"
    dept = place(new_case(world, unit=world.soe), "dept_review", step=world.dept_steps[1])
    assert case_status_text(dept) == "主管部门审核中（第2步：分管领导审核）"


@pytest.mark.parametrize("state", workflow.STATES)
def test_status_text_is_never_blank(world, state):
    case = place(new_case(world), state)
    assert case_status_text(case).strip()


def test_buttons_come_from_the_table(world):
    case = place(new_case(world), "awaiting_acceptance")
    actions = [a.action for a in case_actions_for(case=case, role="office")]
    assert actions == ["accept", "return", "reroute"]
    assert [a.action for a in case_actions_for(case=case, role="applicant")] == ["withdraw"]


def test_terminal_states_have_only_documented_exits():
    for state in workflow.TERMINAL:
        for t in workflow.transitions_from(state):
            assert (state, t.action) in workflow.TERMINAL_EXITS


def test_table_is_consistent():
    states = set(workflow.STATES)
    from rencai.cases import effects, guards, notifications

    for t in workflow.TRANSITIONS:
        assert (t.source in states or t.source == NEW) and t.target in states
        assert t.role in workflow.Role.ALL and t.action in workflow.ACTIONS
        assert all(g in guards.GUARDS for g in t.guards)
        assert all(e in effects.EFFECTS for e in t.effects)
        assert all(n in notifications.SMS_TEMPLATES for n in t.notify)
        if t.deadline:
            fired = workflow.candidates(t.target, t.deadline.action, workflow.Role.SYSTEM)
            assert fired, f"deadline {t.deadline.action} has no system row from {t.target}"
    # every action the brief names for phase 3 is in the table
    for action in ("accept", "return", "approve", "reject", "auto_accept", "notice_pass",
                   "objection_open", "objection_dismiss", "objection_uphold",
                   "send_back_step", "reroute"):  # fmt: skip
        assert any(t.action == action for t in workflow.TRANSITIONS)


def test_committed_workflow_doc_is_current():
    call_command("workflow_docs", "--check")


def test_check_chains_lists_departments_without_chain(world, capsys):
    call_command("check_chains")
    out = capsys.readouterr().out
    chains = out[: out.index("未登记联系方式的机构")]  # then: offices without a contact
    assert "dept-edu" in chains and "广州市教育局" in chains
    assert "dept-sasac" not in chains


def test_system_check_warns_about_missing_chains(world):
    from rencai.cases.checks import check_department_chains

    warnings = check_department_chains(databases=["default"])
    assert {w.obj for w in warnings} >= {"dept-edu"}
    assert "dept-sasac" not in {w.obj for w in warnings}
