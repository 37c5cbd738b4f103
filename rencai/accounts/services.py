"""Account services (writes)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from rencai.accounts.models import User


def name_to_pinyin(name: str) -> str:
    """Pinyin alias for downstream systems; characters pypinyin cannot read stay as they are."""
    return " ".join(lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: list(chars)))


def user_refresh_pinyin(*, user: User) -> User:
    user.name_pinyin = name_to_pinyin(user.real_name)
    user.save(update_fields=["name_pinyin"])
    return user
