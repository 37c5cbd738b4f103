"""An office's worklist pages whole from the shared cache (issue #15).

Officials come back to their queue after every case they open and page back and forth in
it; each view ran the keyset page, one capped count per queue, the filter form and the
frame again (about 20 ms of CPU). The page is kept under a key made of:

- the generation of the cases the office holds (rencai.cases.status_cache.
  office_generation): bumped by every transition of a case the office held or now holds
  (the case process's one writer of status), every save of such a case, a renamed unit
  or applicant with open cases there;
- the reference data's generation (chain steps in the filter, offices);
- who is looking and as which office, the address with its filters and cursor, the
  language, today's date (remaining working days), the site frame and the CSRF secret.

Entries live TTL seconds, shorter than the other page caches: a write that sends no
signal and is not listed above (a bulk `update()` of a row the list shows) is seen within
that time. Never cached: a page with a one-time message (after an action).
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.utils.translation import get_language

from rencai.cases import status_cache
from rencai.cases.status_cache import frame_parts, office_generation, page, versions
from rencai.core import clock

TTL = 60
__all__ = ["key_for", "page", "page_store"]


def key_for(request, office, acting) -> str | None:
    if len(messages.get_messages(request)):
        return None
    shared = versions(request, office_generation(office.pk))
    if shared is None:
        return None
    grant = getattr(getattr(acting, "grant", None), "pk", None)
    parts = [
        *shared, request.user.pk, grant, office.pk, get_language(), clock.today().isoformat(),
        request.COOKIES.get("rencai_elder", ""), *frame_parts(request),
    ]  # fmt: skip
    return f"worklist:{office.pk}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def page_store(key: str | None, content: bytes) -> None:
    status_cache.page_store(key, content, TTL)
