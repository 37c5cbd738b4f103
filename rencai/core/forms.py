"""Input rules applied to every Django form in the project (pages, admin, auth).

`install()` (called from `CoreConfig.ready`) hooks `BaseForm.__init__` once, so that every
form — ours, the admin's, Django's auth forms, and forms written later — gets, per field:

* the text rule (`rencai.core.text`): control and bidi characters refused before the
  field converts the value, with a message naming the field; line breaks only in textareas;
* Chinese messages that name the field in place of Django's stock ones (「这个字段是必填项。」,
  「确保该变量包含不超过…」, 「输入一个有效的日期。」…). A message a field sets itself is kept.

It also records, per request, that a bound form had errors: `FormErrorStatusMiddleware`
answers such a re-rendered page with 400 (one status for every form, see there).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.forms import BaseForm
from django.forms.utils import pretty_name
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rencai.core.text import text_error

#: Set by a bound form whose validation found errors (see FormErrorStatusMiddleware).
form_errors_seen: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "rencai_form_errors_seen", default=False
)

_PARAM_CODES = {
    "max_length",
    "min_length",
    "max_value",
    "min_value",
    "step_size",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "invalid_choice",
    "invalid_pk_value",
    "date_in_future",
}


def _invalid_message(field: forms.Field) -> str:
    """'invalid' by field type (Django's are generic and do not name the field)."""
    kinds = [
        (forms.DateTimeField, _("请输入有效的日期和时间（如 2024-06-30 09:00）")),
        (forms.DateField, _("请输入有效的日期（如 2024-06-30）")),
        (forms.TimeField, _("请输入有效的时间（如 09:00）")),
        (forms.EmailField, _("请输入有效的电子邮箱地址（如 name@example.com）")),
        (forms.URLField, _("请输入有效的网址")),
        (forms.IntegerField, _("请输入整数")),
        (forms.DecimalField, _("请输入数字")),
        (forms.FloatField, _("请输入数字")),
        (forms.UUIDField, _("请输入有效的编号")),
        (forms.JSONField, _("请输入有效的 JSON")),
        (forms.FileField, _("没有收到文件，请重新选择（表单须以 multipart 方式提交）")),
        (forms.GenericIPAddressField, _("请输入有效的 IP 地址")),
    ]
    for kind, text in kinds:
        if isinstance(field, kind):
            return text
    return _("格式不正确")


#: (language, field class) -> _messages: the same ~30 translations for every field of a
#: kind, looked up once per language and process rather than for every field of every form.
_MESSAGES: dict[tuple[str, type], dict[str, str]] = {}
_STOCK: dict[type, frozenset[int]] = {}


def _messages(field: forms.Field) -> dict[str, str]:
    """Chinese messages for Django's error codes, without the field name (added later);
    in the active language."""
    key = (get_language() or "", type(field))
    found = _MESSAGES.get(key)
    if found is None:
        found = _MESSAGES[key] = _translated_messages(field)
    return found


def _translated_messages(field: forms.Field) -> dict[str, str]:
    is_file = isinstance(field, forms.FileField)
    messages = {
        "required": _("请选择文件") if is_file else _("必填，请填写"),
        "invalid": _invalid_message(field),
        "max_length": _("最多 %(limit_value)d 个字符（现有 %(show_value)d 个）"),
        "min_length": _("至少 %(limit_value)d 个字符（现有 %(show_value)d 个）"),
        "max_value": _("不能大于 %(limit_value)s"),
        "min_value": _("不能小于 %(limit_value)s"),
        "step_size": _("须为 %(limit_value)s 的整数倍"),
        "max_digits": _("最多 %(max)s 位数字"),
        "max_decimal_places": _("最多 %(max)s 位小数"),
        "max_whole_digits": _("整数部分最多 %(max)s 位"),
        "invalid_choice": _("所填的值不是可选项，请从列表中重新选择"),
        "invalid_list": _("请从列表中选择"),
        "invalid_pk_value": _("所填的值不是可选项，请从列表中重新选择"),
        "null_characters_not_allowed": _("含有不允许的空字符（U+0000），请删除后重新输入"),
        "empty": _("所选文件是空的（0 字节），请重新选择"),
        "missing": _("没有收到文件，请重新选择"),
        "contradiction": _("请选择新文件或勾选“清除”，不能同时进行"),
        "invalid_image": _("不是有效的图片文件，请上传 JPEG 或 PNG"),
        "incomplete": _("请填写完整"),
        "invalid_date": _("请输入有效的日期（如 2024-06-30）"),
        "invalid_time": _("请输入有效的时间（如 09:00）"),
        "overflow": _("超出允许的范围"),
        "date_in_future": _("不能晚于今天（%(today)s），请按证书填写"),
    }
    if isinstance(field, forms.FileField):
        messages["max_length"] = _("文件名最多 %(max)d 个字符（现有 %(length)d 个）")
    if isinstance(field, forms.BooleanField):
        messages["required"] = _("请勾选")
    return messages


def _stock_messages(field: forms.Field) -> set[int]:
    """ids of Django's own default messages for this field's class (lazy objects, class
    attributes: the same for the life of the process)."""
    found = _STOCK.get(type(field))
    if found is not None:
        return found
    stock: set[int] = set()
    for klass in type(field).__mro__:
        if klass.__module__.startswith("django."):
            stock.update(id(m) for m in getattr(klass, "default_error_messages", {}).values())
    found = _STOCK[type(field)] = frozenset(stock)
    return found


def _validator_codes(field: forms.Field) -> Iterable[str]:
    """Codes raised by Django's own validators (and ours in rencai.core) whose message is the
    class's default, i.e. does not name the field."""
    for validator in field.validators:
        code = getattr(validator, "code", None)
        stock = getattr(validator, "message", None) is getattr(type(validator), "message", 0)
        module = type(validator).__module__
        if code and stock and module.startswith(("django.", "rencai.core.")):
            yield code


def field_label(field: forms.Field, name: str) -> str:
    return str(field.label) if field.label else pretty_name(name)


def apply_field_rules(field: forms.Field, name: str) -> None:
    """Name the field in every stock message and guard its raw input with the text rule."""
    if getattr(field, "_rencai_rules", False):
        return
    label = field_label(field, name)
    chinese = _messages(field)
    stock = _stock_messages(field)
    codes = {c for c, m in field.error_messages.items() if id(m) in stock}
    codes.update(c for c in _validator_codes(field) if c not in field.error_messages)
    if isinstance(field, forms.CharField):
        codes.add("null_characters_not_allowed")
    for code in codes:
        if code in chinese:
            shown = label.replace("%", "%%") if code in _PARAM_CODES else label
            field.error_messages[code] = f"{shown}：{chinese[code]}。"

    if isinstance(field, forms.FileField):
        _mark_size_limit(field, label)

    multiline = isinstance(field.widget, forms.Textarea)
    original_clean = field.clean

    def clean(value, *args, **kwargs):
        for part in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(part, str):
                message = text_error(part, label=label, multiline=multiline)
                if message:
                    raise ValidationError(message, code="forbidden_characters")
        return original_clean(value, *args, **kwargs)

    field.clean = clean
    field._rencai_rules = True


def upload_limit_text() -> str:
    size = settings.RENCAI_UPLOAD_MAX_BYTES
    return f"{size / 1024 / 1024:g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


def _mark_size_limit(field: forms.FileField, label: str) -> None:
    """For the browser-side check (rencai/static/rencai/upload-limit.js): stop a file over
    the upload limit before it is sent; the server refuses it all the same."""
    field.widget.attrs.setdefault("data-max-bytes", str(settings.RENCAI_UPLOAD_MAX_BYTES))
    field.widget.attrs.setdefault(
        "data-max-message",
        _("%(label)s：文件不能超过 %(limit)s，请压缩或分页后重新选择。")
        % {"label": label, "limit": upload_limit_text()},
    )


def apply_input_rules(form: BaseForm) -> None:
    for name, field in form.fields.items():
        apply_field_rules(field, name)


def install() -> None:
    """Hook every form once (idempotent)."""
    if getattr(BaseForm, "_rencai_rules_installed", False):
        return
    original_init = BaseForm.__init__
    original_full_clean = BaseForm.full_clean

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        apply_input_rules(self)

    def full_clean(self):
        # Fields added after __init__ (e.g. by a view) get the rules too.
        apply_input_rules(self)
        original_full_clean(self)
        if self.is_bound and self._errors:
            form_errors_seen.set(True)

    BaseForm.__init__ = __init__
    BaseForm.full_clean = full_clean
    BaseForm._rencai_rules_installed = True
