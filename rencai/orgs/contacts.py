"""Contact data of offices (finding: no supervisory department had any, so every
「联系主管部门」 message ended in 「暂无登记的联系方式」).

An office that receives applications (it has an active review or department chain)
must have a phone or an e-mail address: the admin refuses a chain step for an office
without one and refuses to blank the contact of an office with a chain;
`rencai check-chains` lists those without. Messages fall back to the city bureau's
contact (rencai.cases.routing.office_contact).
"""

from __future__ import annotations

from django.utils.translation import gettext, pgettext

from rencai.orgs.models import Office


def contact_text(office: Office | None) -> str:
    """The office's own phones and e-mail as one line, or "" when it has none."""
    if office is None:
        return ""
    parts = []
    if office.phones:
        phones = pgettext("list separator", "、").join(office.phones)
        parts.append(gettext("电话 %(phones)s") % {"phones": phones})
    if office.email:
        parts.append(gettext("邮箱 %(email)s") % {"email": office.email})
    return pgettext("list separator", "，").join(parts)


def has_contact(office: Office | None) -> bool:
    return bool(office is not None and (office.phones or office.email))


def contact_required_message(office: Office) -> str:
    return (
        f"机构“{office.name}”没有登记咨询电话或电子邮箱：接收申请的机构必须有联系方式，"
        "申请人和单位才能联系到它。请先在“机构”中填写咨询电话或电子邮箱。"
    )


#: Kinds of office that receive applications (windows, the bureau, departments).
RECEIVING_KINDS = (Office.Kind.DISTRICT_WINDOW, Office.Kind.CITY_BUREAU, Office.Kind.SUPERVISORY)


def receiving_offices_without_contact():
    """Active offices that receive applications (by kind, or because they have a chain)
    and have neither a phone nor an e-mail address."""
    from django.db.models import Q

    from rencai.cases.models import ChainStep

    with_chain = ChainStep.objects.filter(is_active=True).values("office_id")
    offices = Office.objects.filter(is_active=True).filter(
        Q(kind__in=RECEIVING_KINDS) | Q(pk__in=with_chain)
    )
    return [o for o in offices.order_by("sort_order", "code") if not has_contact(o)]
