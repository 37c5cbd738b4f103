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
    "auto_accepted": (
        "您的入户申请{number}已由系统自动受理（受理机构5个工作日内未查核或退案，第6个工作日"
        "系统自动受理），{office}审批中。"
    ),
    "step_passed": "您的入户申请{number}已通过一个审核环节，当前状态：{status}。",
    "returned": "您的入户申请{number}已被退回修改，原因：{reason}。请登录系统修改后重新送审。",
    "approved": "您的入户申请{number}审批通过，现进入公示期（至{due_date}）。",
    "notice_resumed": "您的入户申请{number}恢复公示（至{due_date}）。",
    "card_issued": (
        "您的入户申请{number}公示无异议。您的《广州市入户人员信息卡》已出具，请登录系统查看、"
        "下载：{card_url}"
    ),
    "objection_opened": "您的入户申请{number}公示期间收到异议，公示暂停，{office}正在核查。",
    "objection_upheld": "您的入户申请{number}公示异议经核查成立，退回{office}重新审批，原因：{reason}。",
    "rejected": "您的入户申请{number}不予通过，原因：{reason}。",
    "withdrawn": "您的入户申请{number}已撤回。",
    "draft_reminder": (
        "您的入户申请{number}尚未送审，请于{due_date}前登录系统完成填报并送审；逾期系统将自动"
        "撤回（已填内容保留，可重新填报）。"
    ),
    "draft_expired": "您的入户申请{number}逾期未送审，已由系统撤回；已填内容保留，可登录系统重新填报。",
    "correction_reminder": (
        "您的入户申请{number}退回修改后尚未重新送审，请于{due_date}前按退回意见修改并送审；"
        "逾期视为撤回。"
    ),
    "correction_expired": (
        "您的入户申请{number}退回修改后逾期未重新送审，视为撤回；已填内容保留，可登录系统重新填报。"
    ),
    "unit_review_escalated": (
        "您的入户申请{number}单位逾期未审核，已转主管部门{office}审核，当前状态：{status}。"
    ),
}

#: Messages to the people who must act (not the applicant): sent by effects.
UNIT_ADMIN_REMINDER = (
    "单位待审核的入户申请{number}（申请人{name}）已超过{days}个工作日未审核，请于{due_date}前"
    "登录系统审核并送审或退回；逾期将转主管部门{office}审核。"
)
STEP_REMINDER = (
    "入户申请{number}（申请人{name}）在{office}{step}已逾期未审核（办理时限{days}个工作日），"
    "请登录系统办理；逾期期间系统每{again}个工作日提醒一次。"
)
DEPARTMENT_ALERT = (
    "引进单位“{unit}”逾期未审核入户申请{number}，已转贵部门内流程审核，请登录系统办理。"
)


#: Arrivals (notify.staff: at once or in the person's daily digest). `line` is the
#: digest line, the rest the immediate SMS / e-mail.
UNIT_ARRIVAL = (
    "贵单位员工{name}的入户申请{number}已送达单位审核，请于{due_date}前登录系统审核并送审或退回。"
)
UNIT_ARRIVAL_SUBJECT = "入户申请{number}待单位审核"
OFFICE_ARRIVAL = (
    "入户申请{number}（申请人{name}）已送达{office}{step}，当前状态：{status}，请登录系统办理。"
)
OFFICE_ARRIVAL_SUBJECT = "入户申请{number}已送达待办"
ARRIVAL_LINE = "{number}（申请人{name}，{status}）"
#: E-mail to an applicant who gave an address: the SMS text, with this subject.
APPLICANT_SUBJECT = "您的入户申请{number}：{status}"


def sms_render(template: str, **values) -> str:
    return PREFIX + SMS_TEMPLATES[template].format(**values)


def message_render(text: str, **values) -> str:
    return PREFIX + text.format(**values)


def card_page_url(case) -> str:
    """The applicant's card page (login required), for the card-issued SMS."""
    from django.conf import settings
    from django.urls import reverse

    from rencai.cards.models import Card

    number = (
        Card.objects.filter(case_id=case.pk, revoked_at__isnull=True)
        .order_by("-pk")
        .values_list("number", flat=True)
        .first()
    )
    path = reverse("cards:preview", args=[number]) if number else reverse("accounts:dashboard")
    return settings.SITE_URL.rstrip("/") + path


def applicant_messages(
    case, row, *, status_text: str, reason: str, key: str, mobile: str, email: str
) -> list[tuple[str, str, str, str, str]]:
    """(channel, recipient, subject, body, key) for the applicant: each template of the
    row by SMS, and by e-mail when they gave an address. Both deadline paths use it."""
    out = []
    office = case.holding_office
    for index, template in enumerate(row.notify):
        values = {
            "number": case.number, "status": status_text, "reason": reason or "无",
            "office": office.name if office else "", "due_date": case.due_date or "",
        }  # fmt: skip
        if "{card_url}" in SMS_TEMPLATES[template]:
            values["card_url"] = card_page_url(case)
        body = sms_render(template, **values)
        one = key + (f":{index}" if index else "")
        if mobile:
            out.append(("sms", mobile, "", body, one))
        if email:
            subject = APPLICANT_SUBJECT.format(number=case.number, status=status_text)
            out.append(("email", email, subject, body, f"{one}:email"))
    return out


def _office_staff(office, step, *, exclude_pk):
    from rencai.accounts.models import RoleGrant, User

    staff = (
        User.objects.filter(
            is_active=True, role_grants__role=RoleGrant.Role.OFFICIAL,
            role_grants__office=office, role_grants__revoked_at__isnull=True,
        )
        .exclude(pk=exclude_pk)
        .distinct()
        .order_by("pk")
    )  # fmt: skip
    if step is not None and not step.any_staff:
        staff = staff.filter(pk__in=step.staff.values("pk"))
    return list(staff)


#: Effects after which the case sits in a new queue (an office, or a step of its chain).
MOVES = frozenset({"to_unit", "to_department", "to_acceptance", "chain_next", "chain_prev",
                   "back_to_review"})  # fmt: skip


def arrivals_tell(case, row, *, before: tuple, actor, status_text: str) -> None:
    """In case_transition's transaction: tell whoever must now act that the case arrived —
    the unit's admins (单位审核), or the staff of the holding office (of its step, when the
    step names its staff). Not for the system's escalation, whose `alert_department`
    effect tells the department already (and which the bulk deadline path fires)."""
    from rencai.cases import routing
    from rencai.cases.models import Case
    from rencai.notify.staff import staff_tell

    if "alert_department" in row.effects or not MOVES & set(row.effects):
        return
    name = case.applicant.real_name
    key = f"case:{case.pk}:v{case.version}:arrival"
    exclude = getattr(actor, "pk", None)
    if row.target == Case.Status.UNIT_REVIEW:
        people = routing.unit_admins(case.unit).exclude(pk=exclude).order_by("pk")
        body = UNIT_ARRIVAL.format(name=name, number=case.number, due_date=case.due_date or "")
        subject = UNIT_ARRIVAL_SUBJECT.format(number=case.number)
    elif case.holding_office_id is not None and (
        (case.holding_office_id, case.chain_step_id) != before
    ):
        step = case.chain_step
        people = _office_staff(case.holding_office, step, exclude_pk=exclude)
        body = OFFICE_ARRIVAL.format(
            number=case.number, name=name, office=case.holding_office.name,
            step=f"（第{step.order}步：{step.name}）" if step else "", status=status_text,
        )  # fmt: skip
        subject = OFFICE_ARRIVAL_SUBJECT.format(number=case.number)
    else:
        return
    line = ARRIVAL_LINE.format(number=case.number, name=name, status=status_text)
    staff_tell(people=people, key=key, subject=subject, body=body, line=line)
