"""'Acting as': a person acts personally, for a unit, or for an office (FAQ 一.7)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from rencai.accounts.models import RoleGrant
from rencai.core.prepared import PreparedLookup

SESSION_KEY = "acting_as_grant"
LABEL_KEY = "acting_as_label"  # read by audit_record: holds ActingAs.record_label
#: "Personal account" as written into audit and history rows (always Chinese).
PERSONAL = gettext_noop("个人")


@dataclass(frozen=True)
class ActingAs:
    grant: RoleGrant | None  # None: personal account

    @property
    def is_personal(self) -> bool:
        return self.grant is None

    @property
    def unit(self):
        return (
            self.grant.unit if self.grant and self.grant.role == RoleGrant.Role.UNIT_ADMIN else None
        )

    @property
    def office(self):
        return (
            self.grant.office if self.grant and self.grant.role == RoleGrant.Role.OFFICIAL else None
        )

    @property
    def label(self) -> str:
        """Shown to the user, in the active language."""
        if self.grant is None:
            return gettext(PERSONAL)
        return str(self.unit or self.office)

    @property
    def record_label(self) -> str:
        """Written into audit/history rows and the session: Chinese whatever the language."""
        if self.grant is None:
            return PERSONAL
        return str(self.unit or self.office)


def active_grants(user):
    return (
        RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("unit", "office")
        .order_by("role", "id")
    )


#: The same query compiled once (rencai.core.prepared): officials' pages read it on every
#: request.
_ACTIVE_GRANTS = PreparedLookup(RoleGrant, "user", active_grants, limit=None)


def request_grants(request) -> list[RoleGrant]:
    """The user's active grants, read once per request and never kept longer (issue #15):
    the second-factor rule, the acting-as role and the dashboard share this one query, and a
    grant revoked in another request counts from the next request on."""
    user = request.user
    if not user.is_authenticated:
        return []
    memo = getattr(request, "_active_grants", None)
    if memo is None or memo[0] != user.pk:  # a login in this request: that user's grants
        # The session's user says whether they hold any (accounts.backends.get_user).
        none = getattr(user, "has_active_grants", True) is False
        memo = request._active_grants = (user.pk, [] if none else _ACTIVE_GRANTS.all(user.pk))
    return memo[1]


def acting_as_for(request) -> ActingAs:
    """The role chosen in this session; falls back to personal if the grant was revoked."""
    cached = getattr(request, "_acting_as", None)
    if cached is not None:
        return cached
    grant_id = request.session.get(SESSION_KEY)
    grant = None
    if grant_id:
        grant = next((g for g in request_grants(request) if g.pk == grant_id), None)
        if grant is None:
            # Revoked (or never ours): back to the personal account.
            request.session.pop(SESSION_KEY, None)
            request.session[LABEL_KEY] = ActingAs(None).record_label
    request._acting_as = ActingAs(grant)
    return request._acting_as
