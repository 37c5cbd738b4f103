"""English translation: the language switch, translated pages and messages, and the .po file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_PATH = Path(settings.BASE_DIR) / "rencai" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")


def _switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_setlang_en_then_home_is_english(client):
    _switch_to_english(client)
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    # header, navigation and hero
    assert "Talent Introduction Household Registration" in body
    assert "Help centre" in body
    assert "Public notice" in body
    assert "Talent introduction household registration, all online" in body
    assert "人才引进入户，一网通办" not in body


@pytest.mark.django_db
def test_default_language_is_simplified_chinese(client):
    body = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in body
    assert "人才引进入户，一网通办" in body


@pytest.mark.django_db
def test_login_page_in_english(client):
    _switch_to_english(client)
    body = client.get("/accounts/login/").content.decode()
    assert "Personal login" in body
    assert "Username / mobile number / ID card number" in body
    assert "After 5 wrong passwords in a row, the account is locked for 15 minutes." in body
    assert "个人用户登录" not in body


@pytest.mark.django_db
def test_login_error_in_english(client):
    _switch_to_english(client)
    response = client.post("/accounts/login/", {"username": "nobody", "password": "Wrong-pass1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wrong username/mobile number/ID card number or password." in body


def test_validator_messages_in_english():
    from django.core.exceptions import ValidationError

    from rencai.accounts.validators import validate_mobile

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        validate_mobile("12345")
    assert "11-digit mainland China mobile number" in " ".join(exc.value.messages)

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_mobile("12345")
    assert "手机号码须为11位" in " ".join(exc.value.messages)


def test_placeholder_validator_message_in_english():
    from django.core.exceptions import ValidationError

    from rencai.orgs.validators import validate_uscc

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        validate_uscc("91440101")
    message = " ".join(exc.value.messages)
    assert "must be 18 characters; it has 8" in message


def test_case_status_text_names_the_office_in_english():
    from rencai.cases.models import Case
    from rencai.cases.selectors import case_status_text
    from rencai.orgs.models import Office

    case = Case(status=Case.Status.AWAITING_ACCEPTANCE)
    case.holding_office = Office(name="广州市天河区人力资源和社会保障局")
    with translation.override("en"):
        assert case_status_text(case) == (
            "Not yet accepted, waiting for (广州市天河区人力资源和社会保障局) to accept"
        )
    with translation.override("zh-hans"):
        assert case_status_text(case) == "未受理，等待（广州市天河区人力资源和社会保障局受理）"


# --- the .po file, parsed with a small reader (polib is not a project dependency) ---

_ENTRY_KEYS = ("msgctxt", "msgid", "msgid_plural", "msgstr")
_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
_CONT = re.compile(r'^"(.*)"$')
_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|\{\{\s*[\w.]+\s*\}\}")


def _unquote(text: str) -> str:
    return ast.literal_eval('"' + text + '"')


def _po_entries(path: Path) -> list[dict]:
    entries: list[dict] = []
    current: dict = {"flags": set()}
    key = None

    def flush():
        nonlocal current
        if "msgid" in current:
            entries.append(current)
        current = {"flags": set()}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
            continue
        if line.startswith("#,"):
            current["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match:
            key = match.group(1)
            current[key] = current.get(key, "") + _unquote(match.group(2))
            continue
        match = _CONT.match(line)
        if match and key:
            current[key] += _unquote(match.group(1))
    flush()
    return [e for e in entries if e["msgid"]]  # drop the header


def _placeholders(text: str) -> set[str]:
    return {re.sub(r"\s+", "", p) for p in _PLACEHOLDER.findall(text)}


def test_mo_is_compiled_from_the_current_po():
    """The checked-in .mo carries every translation in the .po (run compilemessages)."""
    import gettext

    assert MO_PATH.exists(), "run `manage.py compilemessages --ignore=.venv` and check in the .mo"
    with MO_PATH.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)

    def compiled(entry):
        if "msgctxt" in entry:
            return catalog.pgettext(entry["msgctxt"], entry["msgid"])
        return catalog.gettext(entry["msgid"])

    stale = [
        e["msgid"]
        for e in _po_entries(PO_PATH)
        if "msgid_plural" not in e and e.get("msgstr") and compiled(e) != e["msgstr"]
    ]
    assert stale == []


def test_po_has_no_fuzzy_entries_and_translations_keep_placeholders():
    entries = _po_entries(PO_PATH)
    assert len(entries) > 500
    problems = []
    for entry in entries:
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']}")
        expected = _placeholders(entry["msgid"])
        if "msgid_plural" in entry:
            expected |= _placeholders(entry["msgid_plural"])
        for key, value in entry.items():
            if key.startswith("msgstr") and value and _placeholders(value) != expected:
                problems.append(f"placeholders differ: {entry['msgid']!r} -> {value!r}")
    assert problems == []


def test_po_translates_most_messages():
    entries = _po_entries(PO_PATH)
    translated = [e for e in entries if any(v for k, v in e.items() if k.startswith("msgstr"))]
    assert len(translated) / len(entries) >= 0.9


@pytest.mark.django_db
def test_the_language_switch_names_each_language_in_itself(client):
    """Not 「英语」 in the Chinese interface: a person who reads only English finds it."""
    html = client.get("/").content.decode()
    assert '<option value="en" lang="en">English</option>' in html
    assert ">简体中文</option>" in html
