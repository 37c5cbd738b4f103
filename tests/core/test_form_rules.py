"""Every form in the project (our forms and the admin's) refuses U+202E and NUL in every
field with a message naming the field; Django's stock messages are replaced by Chinese ones
that name the field; one status (400) for a form re-rendered with errors (issue #10, #9)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.forms import BaseForm
from django.test import RequestFactory

import rencai
from rencai.core.forms import field_label

STOCK = [
    "不允许是用空字符串",
    "确保该变量包含不超过",
    "确保该变量包含至少",
    "输入一个有效的日期",
    "所提交的是空文件",
    "选择一个有效的选项",
    "这个字段是必填项",
    "输入一个有效的 Email 地址",
]


def _project_form_classes() -> list[type[BaseForm]]:
    for info in pkgutil.walk_packages(rencai.__path__, "rencai."):
        if ".migrations" in info.name or info.name.endswith(("wsgi", "cli")):
            continue
        importlib.import_module(info.name)
    seen, todo = set(), [BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted(
        (c for c in seen if c.__module__.startswith("rencai.") and not c.__name__.startswith("_")),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def _admin_form_classes(superuser) -> list[tuple[str, type[BaseForm]]]:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    found = []
    for model, model_admin in admin.site._registry.items():
        found.append((f"admin {model._meta.label}", model_admin.get_form(request)))
    return found


def _make(cls, data=None):
    kwargs = {"data": data} if data is not None else {}
    for args in ((), (None,)):
        try:
            return cls(*args, **kwargs)
        except TypeError:
            continue
    raise AssertionError(f"cannot instantiate {cls}")


def _data_for(form, value: str) -> dict:
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            for i, _w in enumerate(field.widget.widgets):
                data[f"{key}_{i}"] = value
        data[key] = value
    return data


def _checked_fields(form):
    return [
        (name, field)
        for name, field in form.fields.items()
        # File and checkbox widgets hand the field a file or a bool, never the typed text.
        if not isinstance(field, (forms.FileField, forms.BooleanField)) and not field.disabled
    ]


@pytest.fixture
def all_forms(db):
    superuser = get_user_model().objects.create_superuser(
        "walker", "Walker#2026x", real_name="管理员"
    )
    classes = [(f"{c.__module__}.{c.__qualname__}", c) for c in _project_form_classes()]
    return classes + _admin_form_classes(superuser)


@pytest.mark.parametrize("char", ["\u202e", "\x00"])
def test_every_field_of_every_form_refuses_bidi_and_nul_naming_the_field(all_forms, char):
    checked, problems = 0, []
    for label, cls in all_forms:
        unbound = _make(cls)
        form = _make(cls, _data_for(unbound, f"1{char}23"))
        form.is_valid()
        for name, field in _checked_fields(form):
            checked += 1
            errors = form.errors.get(name) or []
            shown = field_label(field, name)
            if not any(shown in e and f"U+{ord(char):04X}" in e for e in errors):
                problems.append(f"{label}.{name}: {errors}")
    assert checked > 150, checked  # the walk really reached the project's forms
    assert problems == [], "\n".join(problems)


def test_no_stock_django_message_is_left_and_each_names_its_field(db):
    class Probe(forms.Form):
        title = forms.CharField(label="资格名称", max_length=5)
        short = forms.CharField(label="证书编号", min_length=3)
        when = forms.DateField(label="发证日期")
        kind = forms.ChoiceField(label="申报类别", choices=[("title", "职称")])
        count = forms.IntegerField(label="份数", max_value=9)
        mail = forms.EmailField(label="电子邮箱")
        scan = forms.FileField(label="证书扫描件")
        agree = forms.BooleanField(label="同意")

    form = Probe(
        data={
            "title": "资格名称太长了",
            "short": "1",
            "when": "2024-13-45",
            "kind": "nope",
            "count": "99",
            "mail": "not-an-address",
        },
        files={"scan": SimpleUploadedFile("a.pdf", b"")},
    )
    assert not form.is_valid()
    expected = {
        "title": "资格名称：最多 5 个字符（现有 7 个）。",
        "short": "证书编号：至少 3 个字符（现有 1 个）。",
        "when": "发证日期：请输入有效的日期（如 2024-06-30）。",
        "kind": "申报类别：所填的值不是可选项，请从列表中重新选择。",
        "count": "份数：不能大于 9。",
        "mail": "电子邮箱：请输入有效的电子邮箱地址（如 name@example.com）。",
        "scan": "证书扫描件：所选文件是空的（0 字节），请重新选择。",
        "agree": "同意：请勾选。",
    }
    assert {name: errors[0] for name, errors in form.errors.items()} == expected
    required = Probe(data={})
    required.is_valid()
    assert required.errors["title"] == ["资格名称：必填，请填写。"]
    assert required.errors["scan"] == ["证书扫描件：请选择文件。"]
    for message in [e for errors in form.errors.values() for e in errors]:
        assert not any(stock in message for stock in STOCK)


def test_a_message_a_field_sets_itself_is_kept():
    class Own(forms.Form):
        code = forms.CharField(
            label="单位代码", max_length=3, error_messages={"max_length": "单位代码：太长"}
        )

    form = Own(data={"code": "12345"})
    form.is_valid()
    assert form.errors["code"] == ["单位代码：太长"]


def test_every_project_form_has_no_stock_message_left(all_forms):
    """Walk every field's messages: none is one of Django's defaults."""
    from rencai.core.forms import _stock_messages

    left = []
    for label, cls in all_forms:
        for name, field in _make(cls).fields.items():
            stock = _stock_messages(field)
            left += [
                f"{label}.{name}:{code}"
                for code, m in field.error_messages.items()
                if id(m) in stock
            ]
    assert left == []
