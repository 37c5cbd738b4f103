"""Whole public pages for anonymous visitors, from the shared cache.

A public page (the home page, the help centre, the office directory, the notice list, the
unit search and its API) is the same for every visitor without a session, yet rendering
it cost 5-30x a bare Django view (templates, queries). This middleware keeps such answers in
`settings.CACHES["default"]` (Redis or the database table) for at most PAGE_TTL seconds and
under a generation per page group (rencai.core.cache), bumped by every change of what the
group shows, so a change is visible at once and time-dependent parts ("open now", a notice
period ending today) are never older than PAGE_TTL.

Never cached: anything but GET/HEAD; a request with a session cookie or pending messages;
an answer that is not 200, sets a cookie, asked for a CSRF token (a form: its token is the
visitor's own), or says `Cache-Control: private/no-store`. Placed after the security, CSP
and static-file middleware, so a cached page still gets this response's headers from them.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request

log = logging.getLogger(__name__)
PAGE_TTL = 60
# (path prefix or exact path, generation). Exact paths end without "*".
GROUPS = [
    ("/", "site"),
    ("/help/*", "help"),
    ("/notice/", "notice"),
    ("/units/", "units"),
    ("/api/units", "units"),
]
MAX_BODY = 512 * 1024
STORED_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary")


def group_for(path: str) -> str | None:
    for pattern, group in GROUPS:
        if pattern.endswith("*") and path.startswith(pattern[:-1]) or path == pattern:
            return group
    return None


def _key(request, group: str) -> str:
    raw = "|".join(
        [
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            get_language_from_request(request) or settings.LANGUAGE_CODE,
            request.COOKIES.get("rencai_elder", ""),  # 长辈版 renders another page
        ]
    )
    return f"page:{group}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        group = group_for(request.path_info) if settings.RENCAI_PAGE_CACHE else None
        if group is None or request.method not in ("GET", "HEAD") or not _anonymous(request):
            return self.get_response(request)
        key, gen_key = _key(request, group), f"gen:{group}"
        try:
            found = cache.get_many([key, gen_key])  # one round trip for both
        except Exception:  # noqa: BLE001 - no cache: render as if none were configured
            return self.get_response(request)
        generation, entry = found.get(gen_key), found.get(key)
        if entry is not None and generation is not None and entry[0] == generation:
            return self._replay(entry)
        response = self.get_response(request)
        if self._storable(request, response):
            if generation is None:
                from rencai.core.cache import generation as current

                generation = current(group)
            headers = {h: response[h] for h in STORED_HEADERS if h in response}
            try:
                cache.set(key, (generation, headers, response.content), PAGE_TTL)
            except Exception:  # noqa: BLE001 - the page was served; only the copy is lost
                log.warning("cache unavailable: page not stored", exc_info=True)
        return response

    @staticmethod
    def _replay(entry) -> HttpResponse:
        _generation, headers, body = entry
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        if response.status_code != 200 or response.cookies or response.streaming:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a form with this visitor's token
            return False
        if getattr(request, "session", None) is not None and request.session.modified:
            return False
        control = response.get("Cache-Control", "")
        if "private" in control or "no-store" in control:
            return False
        if len(response.content) > MAX_BODY:
            return False
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return True


def connect_generations() -> None:
    """What each page group shows, by model: a save or delete bumps its generation. Bulk
    writes that send no signal (queryset.update) show within PAGE_TTL."""
    from django.apps import apps

    from rencai.core.cache import bump_on_change

    model = apps.get_model
    shown = {
        "site": ["helpdesk.Article", "orgs.Office"],
        "help": [
            "helpdesk.Article",
            "orgs.Office",
            "orgs.District",
            "workdays.CalendarRevision",
            "workdays.WorkdayOverride",
            "workdays.OfficialYear",
        ],
        "notice": ["cases.Case", "notice.Objection"],
        # The importer saves its checkpoint after every batch (COPY sends no signal).
        "units": ["orgs.Unit", "orgs.UnitNameHistory", "orgs.UnitImportCheckpoint"],
    }
    for group, labels in shown.items():
        bump_on_change(group, *(model(label) for label in labels))
