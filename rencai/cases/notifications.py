"""SMS templates sent to the applicant by transitions (named in the workflow table).

Never put an ID number in a message; sms_enqueue scrubs anything that looks like one.
"""

from __future__ import annotations

PREFIX = "【广州人才引进】"

SMS_TEMPLATES: dict[str, str] = {
    "submitted": "您的入户申请{number}已送审，当前状态：{status}。",
    "forwarded": "您的入户申请{number}已由单位送审，当前状态：{status}。",
    "to_acceptance": "您的入户申请{number}已通过主管部门审核，当前状态：{status}。",
    "rerouted": "您的入户申请{number}已改由{office}办理，当前状态：{status}。",
    "accepted": "您的入户申请{number}已受理，{office}审批中。",
    "returned": "您的入户申请{number}已被退回修改，原因：{reason}。请登录系统修改后重新送审。",
    "approved": "您的入户申请{number}审批通过，现进入公示期（至{due_date}）。",
    "notice_resumed": "您的入户申请{number}恢复公示（至{due_date}）。",
    "card_issued": (
        "您的入户申请{number}公示无异议。您的《广州市入户人员信息卡》已出具，请登录系统下载"
        "（人才引进申办系统“人才引进入户手续办理情况”）。"
    ),
    "objection_opened": "您的入户申请{number}公示期间收到异议，公示暂停，{office}正在核查。",
    "objection_upheld": "您的入户申请{number}公示异议经核查成立，退回{office}重新审批，原因：{reason}。",
    "rejected": "您的入户申请{number}不予通过，原因：{reason}。",
    "withdrawn": "您的入户申请{number}已撤回。",
    "unit_review_escalated": (
        "您的入户申请{number}单位逾期未审核，已转主管部门{office}审核，当前状态：{status}。"
    ),
}

#: Messages to the people who must act (not the applicant): sent by effects.
UNIT_ADMIN_REMINDER = (
    "单位待审核的入户申请{number}（申请人{name}）已超过{days}个工作日未审核，请于{due_date}前"
    "登录系统审核并送审或退回；逾期将转主管部门{office}审核。"
)
DEPARTMENT_ALERT = (
    "引进单位“{unit}”逾期未审核入户申请{number}，已转贵部门内流程审核，请登录系统办理。"
)


def sms_render(template: str, **values) -> str:
    return PREFIX + SMS_TEMPLATES[template].format(**values)


def message_render(text: str, **values) -> str:
    return PREFIX + text.format(**values)
