"""Request-rate limits of the JSON API, kept in the shared cache (settings.CACHES: Redis
when REDIS_URL is set, else the database cache table), so every server process counts the
same requests. django-ninja's sliding-window throttles, with two changes: the client is
the address `rencai.core.net.client_ip` trusts (ninja's default believes any
X-Forwarded-For), and a person is counted by account, not by address, so an office behind
one NAT address is not limited as one visitor.

The business limits that must survive a cache flush (SMS codes, ID-number lookups,
objections) are counted from their own rows in the database, not here."""

from __future__ import annotations

import threading

from django.conf import settings
from ninja.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle

from rencai.core.net import client_ip


def _per_thread(name: str) -> property:
    def get(self):
        return getattr(self._request_state, name)

    def put(self, value) -> None:
        setattr(self._request_state, name, value)

    return property(get, put)


class _PerThreadState:
    """ninja keeps the current request's key, history and time on the throttle object, and
    one object serves every thread of a server process: keep them per thread."""

    key = _per_thread("key")
    history = _per_thread("history")
    now = _per_thread("now")

    def __init__(self, rate: str | None = None):
        self._request_state = threading.local()
        super().__init__(rate)


class VisitorRateThrottle(_PerThreadState, AnonRateThrottle):
    """Requests without a login (unit search, public reads), per client address."""

    scope = "visitor"
    cache_format = "api-rate:%(scope)s:%(ident)s"

    def get_ident(self, request) -> str:
        return client_ip(request) or "-"

    def get_cache_key(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None  # a public endpoint called by a logged-in person: counted per account
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PersonRateThrottle(_PerThreadState, SimpleRateThrottle):
    """Requests of a logged-in person, per account."""

    scope = "person"
    cache_format = "api-rate:%(scope)s:%(ident)s"

    def get_cache_key(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


def api_throttles() -> list[BaseThrottle]:
    """The throttles of RENCAI_API_RATE_VISITOR / _PERSON ("300/m"-style; "" is no limit)."""
    chosen: list[BaseThrottle] = []
    if settings.RENCAI_API_RATE_VISITOR:
        chosen.append(VisitorRateThrottle(settings.RENCAI_API_RATE_VISITOR))
    if settings.RENCAI_API_RATE_PERSON:
        chosen.append(PersonRateThrottle(settings.RENCAI_API_RATE_PERSON))
    return chosen
