"""Sessions in the database, read through the shared cache (SESSION_ENGINE with REDIS_URL).

Django's `cached_db` reads and writes the cache as well as the database, and some of those
calls are not guarded: with Redis down every logged-in page answered 500. Here every cache
call is guarded: while the cache fails, sessions are read from and written to the database
only (the database is the record anyway), and one warning is logged per outage and process.

A copy the cache kept through an outage (a partition rather than a restart) is stale when
it comes back. For data that is harmless (the session's own checks, the user row and its
grants, are read from the database); for a logout it is not: the copy would log the user
in again. So a logout whose cache delete fails ends all of that user's sessions (the
generation in the session auth hash moves on, as rencai.accounts.services does), which
the stale copy cannot pass.
"""

from __future__ import annotations

import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db

log = logging.getLogger(__name__)
_down = False  # this process saw the cache fail and it has not answered since


def _failed() -> None:
    global _down
    if not _down:
        _down = True
        log.warning("cache unavailable: sessions read and written in the database only")


def _answered() -> None:
    global _down
    _down = False


class SessionStore(cached_db.SessionStore):
    def _cached(self, call, *args) -> tuple[bool, object]:
        """(the cache answered, its answer)."""
        try:
            found = call(*args)
        except Exception:  # noqa: BLE001 - any cache error: the database serves alone
            _failed()
            return False, None
        _answered()
        return True, found

    def load(self):
        answered, data = self._cached(self._cache.get, self.cache_key)
        if data is not None:
            return data
        s = self._get_session_from_db()
        if s is None:
            return {}
        data = self.decode(s.session_data)
        if answered:  # not a second wait on a cache that just failed
            age = self.get_expiry_age(expiry=s.expire_date)
            self._cached(self._cache.set, self.cache_key, data, age)
        return data

    def exists(self, session_key):
        key = self.cache_key_prefix + (session_key or "")
        if session_key and self._cached(self._cache.has_key, key)[1]:
            return True
        return cached_db.DBStore.exists(self, session_key)

    def save(self, must_create=False):
        cached_db.DBStore.save(self, must_create)
        self._cached(self._cache.set, self.cache_key, self._session, self.get_expiry_age())

    def delete(self, session_key=None) -> bool:
        """Delete from both; True if the cache's copy is gone too."""
        cached_db.DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return True
            session_key = self.session_key
        return self._cached(self._cache.delete, self.cache_key_prefix + session_key)[0]

    def flush(self):
        user_pk = self.get(SESSION_KEY)
        self.clear()
        if not self.delete(self.session_key) and user_pk is not None:
            _end_every_session(user_pk)
        self._session_key = None


def _end_every_session(user_pk) -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import F

    from rencai.core import clock

    log.warning("cache unavailable at logout: every session of user %s ended", user_pk)
    get_user_model()._base_manager.filter(pk=user_pk).update(
        session_generation=F("session_generation") + 1, sessions_valid_after=clock.now()
    )
