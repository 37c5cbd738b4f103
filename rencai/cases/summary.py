"""The error summary of a refused 送审 (GOV.UK pattern, issue #11): every missing item,
each a link to the field that fixes it. Computed afresh from the case, so the page after
the redirect (and any reload of it) lists what is missing now."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from rencai.cases.models import Case
from rencai.cases.selectors import details_missing_fields
from rencai.core.errors import DomainError

#: Pickers render their search box with the field's id; the others are plain inputs.
FIELD_ANCHOR = "#id_%s"


@dataclass(frozen=True)
class Problem:
    text: str
    anchor: str  # "#id_certificate_number"


def unit_refusal(case: Case) -> str:
    """Why the chosen unit cannot receive the application now (no chain, no admin, no
    supervisory department), or ""; shown at the unit field and on the disabled button."""
    from rencai.cases.routing import route_check
    from rencai.cases.services_draft_unit import draft_unit_refusal

    if case.unit_id is None:
        return draft_unit_refusal(case)
    try:
        route_check(case.unit)
    except DomainError as exc:
        return exc.message
    return ""


def case_problems(case: Case) -> list[Problem]:
    from rencai.cases.requirements import missing_attachments

    problems = []
    applicant = case.applicant
    if not (applicant.real_name and applicant.id_number_index):
        problems.append(
            Problem(gettext("账号缺少姓名或身份证号码，请联系技术支持补登"), "#personal")
        )
    for name, label in details_missing_fields(case):
        problems.append(Problem(gettext("请填写%(field)s") % {"field": label}, FIELD_ANCHOR % name))
    refusal = unit_refusal(case)
    if refusal:
        problems.append(Problem(refusal, "#unit"))
    for requirement in missing_attachments(case):
        problems.append(
            Problem(
                gettext("请上传%(name)s") % {"name": requirement.name},
                f"#req-{requirement.type_code}",
            )
        )
    return problems
