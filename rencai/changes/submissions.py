"""The five kinds of change request as declarations (rencai.process.submit): the fields
each takes, the checks in the order they run, the pending duplicate it refuses and the
similar records it offers. services.change_request_submit is the one way in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rencai.catalog.additions import (
    education_check_needs_catalogue,
    institution_check_new,
    major_check_new,
)
from rencai.catalog.models import Institution
from rencai.catalog.selectors import institution_similar, major_similar
from rencai.changes import rules
from rencai.changes.models import ChangeRequest
from rencai.core.errors import DomainError, NotFound
from rencai.orgs.models import Unit
from rencai.orgs.services import unit_check_supervision
from rencai.orgs.similar import unit_check_change, unit_check_not_registered, unit_similar
from rencai.orgs.validators import unit_code_checked
from rencai.process.models import ReviewStatus
from rencai.process.selectors import admin_unit_ids
from rencai.process.submit import (
    REQUIRED,
    Submission,
    choice,
    clean,
    pattern,
    pending,
    similar,
    squeeze,
    text,
)  # fmt: skip

Kind = ChangeRequest.Kind


def _pending(kind: str, message, *, field: str, where) -> object:
    opened = lambda: ChangeRequest.objects.filter(kind=kind, status=ReviewStatus.PENDING)  # noqa: E731
    return pending(opened, message, field=field, where=where)


# --- units -----------------------------------------------------------------------------


UNIT_NEW = Submission(
    kind=Kind.UNIT_NEW,
    fields={
        "name": REQUIRED, "code": REQUIRED, "nature": REQUIRED, "level": REQUIRED,
        "district": REQUIRED, "supervisory_office": None, "phone": "", "address": "",
        "confirm_new": False, "acting_unit": None,
    },
    steps=(
        text("name", limit=200, min_chars=2,
             message=_("单位名称：请按营业执照填写完整的单位名称（至少2个字）。")),
        clean("code", lambda value, v: unit_code_checked(value)),
        lambda v: unit_check_not_registered(code=v["code"]),
        _pending(Kind.UNIT_NEW, field="code", where=lambda v: {"code": v["code"]},
                 message=lambda v: f"单位代码：{v['code']} 的新增单位申请已在审核中，请勿重复提交，审核结果将短信通知。"),
        choice("nature", Unit.Nature.values, _("单位性质：请选择。")),
        choice("level", Unit.Level.values, _("隶属层级：请选择市属或区属。")),
        lambda v: unit_check_supervision(level=v["level"], supervisory_office=v["supervisory_office"]),
        similar(lambda v: unit_similar(name=v["name"]), "单位"),
    ),
    record=lambda v: {
        **{f: v[f] for f in ("acting_unit", "name", "code", "nature", "level", "district")},
        "supervisory_office": v["supervisory_office"], "phone": squeeze(v["phone"], limit=40),
        "address": squeeze(v["address"], limit=200),
    },
)  # fmt: skip


def _unit_change(v) -> None:
    unit = v["unit"]
    v["new_name"], v["new_code"] = unit_check_change(
        unit=unit, new_name=v["new_name"], new_code=v["new_code"]
    )
    v["name_changed"], v["code_changed"] = v["new_name"] != unit.name, v["new_code"] != unit.code


UNIT_CHANGE = Submission(
    kind=Kind.UNIT_CHANGE,
    fields={"unit": REQUIRED, "new_name": "", "new_code": "", "acting_unit": None},
    steps=(
        _unit_change,
        _pending(Kind.UNIT_CHANGE, field="unit",
                 where=lambda v: {"unit": v["unit"], "requester": v["requester"]},
                 message=lambda v: "该单位已有您提交的修改申请在审核中，请等待审核结果。"),
    ),
    required=lambda v: rules.required_attachments(
        Kind.UNIT_CHANGE, name_changed=v["name_changed"], code_changed=v["code_changed"]
    ),
    record=lambda v: {
        "acting_unit": v["acting_unit"], "unit": v["unit"], "name": v["new_name"],
        "code": v["new_code"], "before": {"name": v["unit"].name, "code": v["unit"].code},
    },
)  # fmt: skip


def _unit_contact(v) -> None:
    unit = v["acting_unit"]
    if unit is None:
        raise DomainError(
            _("请先切换为单位身份（单位系统管理员）再申请修改单位电话或单位性质。"),
            field="unit",
            code="acting_as_unit",
        )
    if unit.pk not in admin_unit_ids(user=v["requester"]):
        raise NotFound(_("单位不存在。"), field="unit")


def _contact_changed(v) -> None:
    unit = v["acting_unit"]
    v["phone"] = v["phone"] if v["phone"] and v["phone"] != unit.phone else ""
    v["nature"] = v["nature"] if v["nature"] and v["nature"] != unit.nature else ""
    if not v["phone"] and not v["nature"]:
        raise DomainError(
            _("没有需要修改的内容：新单位电话和新单位性质都与现有信息相同或未填写。"), field="phone"
        )


UNIT_CONTACT = Submission(
    kind=Kind.UNIT_CONTACT,
    fields={"acting_unit": REQUIRED, "phone": "", "nature": ""},
    steps=(
        _unit_contact,
        text("phone", limit=40),
        pattern("phone", r"[0-9+\-（）() 转]{7,40}",
                _("单位电话：只能包含数字、短横线、括号和“转”，如 020-12345678。")),
        choice("nature", Unit.Nature.values, _("单位性质：请选择。"), optional=True),
        _contact_changed,
        _pending(Kind.UNIT_CONTACT, field="phone", where=lambda v: {"unit": v["acting_unit"]},
                 message=lambda v: "本单位已有修改电话/性质的申请在审核中，请等待审核结果。"),
    ),
    record=lambda v: {
        "acting_unit": v["acting_unit"], "unit": v["acting_unit"], "phone": v["phone"],
        "nature": v["nature"],
        "before": {"phone": v["acting_unit"].phone, "nature": v["acting_unit"].nature},
    },
)  # fmt: skip


# --- schools and majors (FAQ 一.8: from 大专 up, missing from the catalogue) -------------


def _education(what: str):
    return lambda v: education_check_needs_catalogue(
        education_level=v["education_level"], what=what
    )


def _major_catalogued(v) -> None:
    v["level"] = major_check_new(
        name=v["name"], education_level=v["education_level"], code=v["major_code"]
    )


def _in_review(v) -> str:
    return f"{'院校' if v['kind'] == Kind.INSTITUTION_NEW else '专业'}名称：“{v['name']}”的增加申请已在审核中，审核通过后即可搜索到。"  # fmt: skip


INSTITUTION_NEW = Submission(
    kind=Kind.INSTITUTION_NEW,
    fields={"education_level": REQUIRED, "name": REQUIRED, "level": REQUIRED, "location": "",
            "moe_code": "", "confirm_new": False},
    steps=(
        _education("毕业院校"),
        text("name", limit=100, min_chars=2, message=_("院校名称：请按毕业证书填写完整的学校名称。")),
        choice("level", Institution.Level.values, _("办学层次：请选择本科或专科。")),
        pattern("moe_code", r"\d{10}", _("学校标识码：应为10位数字（不知道可不填）。")),
        lambda v: institution_check_new(name=v["name"], moe_code=v["moe_code"]),
        _pending(Kind.INSTITUTION_NEW, field="name", where=lambda v: {"name": v["name"]},
                 message=_in_review),
        similar(lambda v: institution_similar(name=v["name"]), "院校", "直接搜索选择"),
    ),
    record=lambda v: {
        "education_level": v["education_level"], "name": v["name"], "level": v["level"],
        "code": v["moe_code"], "address": squeeze(v["location"], limit=40),
    },
)  # fmt: skip

MAJOR_NEW = Submission(
    kind=Kind.MAJOR_NEW,
    fields={"education_level": REQUIRED, "name": REQUIRED, "major_code": "",
            "confirm_new": False},
    steps=(
        _education("专业"),
        text("name", limit=60, min_chars=2, message=_("专业名称：请按毕业证书填写完整的专业名称。")),
        pattern("major_code", r"\d{6}[A-Z]{0,2}", upper=True, message=_(
            "专业代码：应为6位数字，可带1–2位字母后缀（如 080901、080904K；不知道可不填）。")),
        _major_catalogued,
        _pending(Kind.MAJOR_NEW, field="name", message=_in_review,
                 where=lambda v: {"name": v["name"], "level": v["level"]}),
        similar(lambda v: major_similar(name=v["name"], level=v["level"]), "专业", "直接搜索选择"),
    ),
    record=lambda v: {
        "education_level": v["education_level"], "name": v["name"], "level": v["level"],
        "code": v["major_code"],
    },
)  # fmt: skip

KINDS = {s.kind: s for s in (UNIT_NEW, UNIT_CHANGE, INSTITUTION_NEW, MAJOR_NEW, UNIT_CONTACT)}
