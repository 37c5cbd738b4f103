from __future__ import annotations

from django.core.exceptions import ValidationError

from rencai.accounts.models import User, id_number_indexes, login_name_is
from rencai.accounts.validators import normalize_mobile, validate_id_number


def user_find_by_identifier(identifier: str) -> User | None:
    """Resolve a login name, an 11-digit mobile or an 18-character ID number."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = User.objects.filter(is_active=True)
    mobile = normalize_mobile(identifier)
    if mobile.isdigit() and len(mobile) == 11:
        return users.filter(mobile=mobile).first()
    if len(identifier) == 18 and identifier[:17].isdigit():
        try:
            number = validate_id_number(identifier)
        except ValidationError:
            return None
        return users.filter(id_number_index__in=id_number_indexes(number)).first()
    return users.filter(login_name_is(identifier)).first()


def user_find_by_id_number(number: str) -> User | None:
    try:
        number = validate_id_number(number)
    except ValidationError:
        return None
    return User.objects.filter(id_number_index__in=id_number_indexes(number)).first()


def user_find_by_mobile(mobile: str) -> User | None:
    mobile = normalize_mobile(mobile)
    if not mobile:
        return None
    return User.objects.filter(mobile=mobile, is_active=True).first()
