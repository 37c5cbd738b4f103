"""The dashboard (我的工作台) of a person without role grants, whole from the shared cache
(issue #15): most people who log in are applicants, and most of their page's cost was
rendering it again although nothing on it had changed.

The key holds everything the page shows: the person's row, the rows of their latest case
as loaded (so a bulk `update()` counts) and that case's generation (rencai.cases.
status_cache: bumped by every row that points to the case), the reference and help
generations, today's date (deadlines count in days), the language, the address, identity,
长辈版 and host of the site frame, and the viewer's CSRF secret (the logout form). People
with grants (unit admins, officials) see counts of other people's cases: never cached.
Nothing is cached while a one-time message waits to be shown.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.utils.translation import get_language

from rencai.cases.models import Case
from rencai.cases.status_cache import case_generation, frame_parts, page, page_store, versions
from rencai.core import clock

__all__ = ["key_for", "page", "page_store"]


def _loaded(obj) -> tuple | None:
    """The values of `obj` as loaded (deferred fields are not read) and of its loaded rows."""
    if obj is None:
        return None
    values = tuple(obj.__dict__.get(f.attname) for f in obj._meta.concrete_fields)
    related = tuple(_loaded(o) for o in obj._state.fields_cache.values() if o is not None)
    return (obj._meta.label, values, related)


def _person(user) -> tuple:
    """The person's row (read through request.user's lazy wrapper, whose own __dict__ holds
    none of it; the session's user is loaded whole)."""
    return tuple(getattr(user, f.attname) for f in user._meta.concrete_fields)


def key_for(request, case: Case | None) -> str | None:
    user = request.user
    if getattr(user, "has_active_grants", True):
        return None
    if len(messages.get_messages(request)):
        return None
    case_gens = [case_generation(case.pk)] if case is not None else []
    shared = versions(request, "help", *case_gens)
    if shared is None:
        return None
    parts = [
        _person(user), _loaded(case), *shared, get_language(), clock.today().isoformat(),
        *frame_parts(request),
    ]  # fmt: skip
    return f"dashboard:{user.pk}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"
