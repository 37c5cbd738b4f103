"""Accounts at external identity providers: find the person an OpenID login stands for."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from rencai.accounts.models import ExternalIdentity, User
from rencai.accounts.selectors import user_find_by_id_number
from rencai.audit.services import audit_record


def external_identity_resolve(
    *, issuer: str, subject: str, id_number: str = "", request=None
) -> User | None:
    """The active account linked to (issuer, subject); else link it by the verified ID number.

    A person already linked to another subject of the same issuer is not re-linked (the
    provider would be claiming two subjects for one person): None, and it is audited.
    """
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if link is not None:
        return link.user if link.user.is_active else None
    if not id_number:
        return None
    user = user_find_by_id_number(id_number)
    if user is None or not user.is_active:
        return None
    try:
        with transaction.atomic():
            ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    except IntegrityError:
        audit_record(
            event="account.identity_link",
            actor=user,
            request=request,
            obj=user,
            outcome="refused",
            detail="already linked to another subject of this issuer",
        )
        return None
    audit_record(event="account.identity_link", actor=user, request=request, obj=user)
    return user
