"""The pinyin alias: ASCII only, "?" for characters pypinyin cannot read, and a flag that
lets the person (dashboard) or an official (admin) supply the missing syllables."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.accounts.models import User
from rencai.accounts.services import pinyin_alias, user_refresh_pinyin
from rencai.audit.models import AuditEvent
from tests.backoffice.second_factor import mark_second_factor_passed

from .conftest import PASSWORD, make_id

ALIAS_RE = re.compile(r"[a-z ?]*")

# BMP Han and the supplementary-plane extensions B–H (Ext I is too new for some tables).
HAN_RANGES = [
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0x3400, 0x4DBF),  # Ext A
    (0xF900, 0xFAD9),  # compatibility ideographs
    (0x20000, 0x2A6DF),  # Ext B
    (0x2A700, 0x2B739),  # Ext C
    (0x2B740, 0x2B81D),  # Ext D
    (0x2B820, 0x2CEA1),  # Ext E
    (0x2CEB0, 0x2EBE0),  # Ext F
    (0x30000, 0x3134A),  # Ext G
    (0x31350, 0x323AF),  # Ext H
]
HAN = st.one_of([st.integers(lo, hi).map(chr) for lo, hi in HAN_RANGES])


@given(st.lists(HAN, min_size=1, max_size=8), st.booleans())
@settings(max_examples=400, deadline=None)
def test_alias_is_plain_ascii_and_never_empty(chars, with_dot):
    name = "".join(chars)
    if with_dot and len(chars) > 1:
        name = name[0] + "·" + name[1:]  # a minority name's middle dot
    alias, incomplete = pinyin_alias(name)
    assert ALIAS_RE.fullmatch(alias), alias
    assert alias.strip()
    assert len(alias.split()) == len(chars)  # one syllable or "?" per character
    assert incomplete == ("?" in alias)


@pytest.mark.parametrize(
    ("name", "alias", "incomplete"),
    [
        ("张三", "zhang san", False),
        ("吕", "lv", False),
        ("䶮", "yan", False),
        ("阿沛·阿旺晋美", "a pei a wang jin mei", False),
        ("李𠇔华", "li ? hua", True),
        ("\uf900", "qi", False),  # 豈 (compatibility) reads like its unified twin
    ],
)
def test_known_aliases(name, alias, incomplete):
    assert pinyin_alias(name) == (alias, incomplete)


def _register(client, **over):
    data = {
        "form_token": "",
        "login_name": "lihua2026",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "real_name": "李𠇔华",
        "id_number": make_id("44010619900307121"),
        "mobile": "13812340001",
        "email": "",
        **over,
    }
    return client.post(reverse("accounts:register"), data)


@pytest.mark.django_db
def test_registration_flags_an_incomplete_alias_and_the_person_completes_it(client):
    assert _register(client).status_code == 302
    user = User.objects.get(login_name="lihua2026")
    assert (user.real_name, user.name_pinyin, user.name_pinyin_incomplete) == (
        "李𠇔华",
        "li ? hua",
        True,
    )
    client.post(reverse("accounts:login"), {"username": "lihua2026", "password": PASSWORD})
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "li ? hua" in html and reverse("accounts:pinyin") in html

    # Only ASCII letters and spaces; the error sits at the field, the input is kept.
    r = client.post(reverse("accounts:pinyin"), {"name_pinyin": "li 𠇔 hua"})
    html = r.content.decode()
    assert r.status_code == 400 and "has-error" in html and "只能包含英文字母和空格" in html
    assert "li 𠇔 hua" in html
    r = client.post(reverse("accounts:pinyin"), {"name_pinyin": "li zh? hua"})
    assert "只能包含英文字母和空格" in r.content.decode()

    r = client.post(reverse("accounts:pinyin"), {"name_pinyin": "  Li   ZHE hua "})
    assert r.status_code == 302 and r.url == reverse("accounts:dashboard")
    user.refresh_from_db()
    assert (user.name_pinyin, user.name_pinyin_incomplete, user.real_name) == (
        "li zhe hua",
        False,
        "李𠇔华",
    )
    event = AuditEvent.objects.get(event="account.pinyin_correct")
    assert event.actor == user and event.detail == "li ? hua -> li zhe hua"

    # Complete now: the page no longer offers a change.
    r = client.post(reverse("accounts:pinyin"), {"name_pinyin": "wang wu"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.name_pinyin == "li zhe hua"
    assert "补全姓名拼音" not in client.get(reverse("accounts:dashboard")).content.decode()


@pytest.mark.django_db
def test_complete_alias_shows_no_correction_link(client, user):
    user.real_name = "张三"
    user_refresh_pinyin(user=user)
    client.force_login(user)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "zhang san" in html and reverse("accounts:pinyin") not in html
    assert client.get(reverse("accounts:pinyin")).status_code == 302


@pytest.mark.django_db
def test_an_official_corrects_the_alias_in_the_admin(client, make_user):
    person = make_user(login_name="lihua", real_name="李𠇔华")
    assert (person.name_pinyin, person.name_pinyin_incomplete) == ("li ? hua", True)
    root = User.objects.create_superuser("root", "Admin#2026x")
    client.post(reverse("accounts:login"), {"username": "root", "password": "Admin#2026x"})
    mark_second_factor_passed(client, root)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = {
        "login_name": "lihua",
        "real_name": "李𠇔华",
        "name_pinyin": "li zhe hua",
        "mobile": person.mobile,
        "email": "",
        "is_active": "on",
        "role_grants-TOTAL_FORMS": "0",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }
    r = client.post(url, {**form, "name_pinyin": "li 𠇔 hua"})
    assert r.status_code == 400 and "只能包含英文字母和空格" in r.content.decode()
    r = client.post(url, form)
    assert r.status_code == 302, r.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.name_pinyin, person.name_pinyin_incomplete) == ("li zhe hua", False)
    event = AuditEvent.objects.filter(event="admin.user_change").latest("id")
    assert "name_pinyin" in event.detail
