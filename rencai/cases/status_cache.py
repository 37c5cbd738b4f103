"""The status page's body from the shared cache (issue #15).

Applicants reload their status page far more often than their case changes, yet each view
cost two to three times the page's own Django overhead (the history, documents,
verification, help box and ratings queries, then ~60 % of the time in templates). The body
below the page's frame is kept under a key made of everything it shows:

- the values of the case row and of the rows read with it (unit, applicant, card), so
  any write to them counts, also a bulk `update()`; and the case's generation, bumped by
  every save or delete of a row that points to the case (events, documents of its folder,
  verification, tickets, ratings of its steps, objections, …; found from the models'
  foreign keys, so a new model that refers to a case is covered without listing it here);
- the generations of the reference data (offices, chain steps, calendar:
  rencai.core.refcache) and of the help centre (the "what next" article);
- who is looking (user, role), the language, the 长辈版 cookie, today's date (deadlines
  count in days), whether the unit's one-hour withdraw window is open, and the viewer's
  CSRF secret (the body's forms carry a token of it).

Writes that send no signal call `case_changed()` (a bare `update()` of a verification
request: rencai.verification.services). Names of other people the history shows are read
live: renaming a user bumps the cases they acted on (`_name_after`, bounded).

A refused action's message is shown once, so such a render is never stored. Entries live
at most TTL seconds; a cache that fails renders the page as before.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import ForeignKey, Max
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from rencai.accounts.roles import acting_as_for
from rencai.accounts.views_display import elder_mode_on
from rencai.cases.models import Case, CaseEvent
from rencai.core import clock, refcache
from rencai.core.cache import bump_now_and_after_commit, generations

log = logging.getLogger(__name__)
TTL = 300


def case_generation(pk) -> str:
    return f"case:{pk}"


def case_rows(case: Case) -> list:
    """The values of the case row and of the rows loaded with it (unit, applicant, card):
    any write to them, also a bulk `update()` that sends no signal, changes the key."""
    rows = [case, *(obj for obj in case._state.fields_cache.values() if obj is not None)]
    return [
        (obj._meta.label, *(getattr(obj, f.attname) for f in obj._meta.concrete_fields))
        for obj in rows
    ]


def versions(request, *names: str) -> list | None:
    """What every cached page of this module and rencai.cases.dashboard_cache is keyed on:
    the generations of `names` and of the reference data (one round trip for the names),
    and a hash of the viewer's CSRF secret (the page's forms carry a token of it); None
    when the cache cannot be used."""
    if not settings.RENCAI_PAGE_CACHE:
        return None
    reference = refcache.held()
    # The reference generation in the same round trip as the others, unless already read.
    gens = generations(*names, *([] if reference else [refcache.GROUP]))
    if gens is None:
        return None
    if reference is None:
        reference = refcache.hold(gens.pop())
    if reference is None:
        return None
    get_token(request)  # as rendering would: the cookie is (re)sent either way
    csrf = hashlib.sha256(request.META.get("CSRF_COOKIE", "").encode()).hexdigest()[:16]
    return [*gens, reference, csrf]


def frame_parts(request) -> list:
    """What the site frame shows: the address its forms return to, the person's name,
    identity and 长辈版 choice, the host of the share metadata."""
    return [
        request.get_full_path(), request.user.real_name, str(acting_as_for(request).label),
        elder_mode_on(request), request.scheme, request.get_host(),
    ]  # fmt: skip


def key_for(request, case: Case, role: str, *, window_open: bool) -> str | None:
    """The body's cache key for this viewer, or None when the cache cannot be used."""
    shared = versions(request, case_generation(case.pk), "help")
    if shared is None:
        return None
    parts = [
        *case_rows(case), *shared, request.user.pk, role, get_language(),
        request.COOKIES.get("rencai_elder", ""), clock.today().isoformat(), window_open,
    ]  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"casepage:{case.pk}:{digest}"


def _get(key: str):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - no cache: render as if none were configured
        return None


def _put(key: str, value, ttl: int = TTL) -> None:
    try:
        cache.set(key, value, ttl)
    except Exception:  # noqa: BLE001 - the page was served; only the copy is lost
        log.warning("cache unavailable: status page not stored", exc_info=True)


def body(key: str | None, render: Callable[[], str], *, store: bool = True) -> str:
    """The cached body under `key`, else `render()` (stored unless `store` is false).
    The body is render_to_string's SafeString; both cache backends pickle it as such."""
    found = _get(key) if key is not None and store else None
    if found is not None:
        return found
    html = render()
    if key is not None and store:
        _put(key, html)
    return html


def page_key(request, key: str | None) -> str | None:
    """The whole page's key: the body's and what the site frame shows; None while a
    one-time message waits to be shown on it."""
    if key is None or len(messages.get_messages(request)):
        return None
    digest = hashlib.sha256(repr([key, *frame_parts(request)]).encode()).hexdigest()[:32]
    return f"{key}:page:{digest}"


def page(key: str | None) -> bytes | None:
    return _get(key) if key is not None else None


def page_store(key: str | None, content: bytes, ttl: int = TTL) -> None:
    if key is not None:
        _put(key, content, ttl)


# --- invalidation ------------------------------------------------------------------------


def _bump_cases(pks, using) -> None:
    names = sorted({case_generation(pk) for pk in pks if pk is not None})
    bump_now_and_after_commit(*names, using=using)


def office_generation(pk) -> str:
    """The generation of the cases an office holds (its worklists: rencai.backoffice.
    worklist_cache), bumped by every write of a case it holds or held before the write."""
    return f"officecases:{pk}"


def offices_changed(*office_pks, using: str | None = None) -> None:
    names = sorted({office_generation(pk) for pk in office_pks if pk is not None})
    bump_now_and_after_commit(*names, using=using)


def _open_case_offices(**filters) -> list:
    rows = Case.objects.filter(status__in=Case.OPEN_STATUSES, **filters).exclude(
        holding_office=None
    )
    return list(rows.order_by().values_list("holding_office_id", flat=True).distinct()[:100])


def _case_saved(sender, instance, using=None, raw=False, **kwargs):
    if not raw:
        _bump_cases([instance.pk], using)
        offices_changed(instance.holding_office_id, using=using)


def _unit_saved(sender, instance, using=None, raw=False, **kwargs):
    """A renamed unit shows in the worklists of the offices holding its open cases."""
    if not raw and not kwargs.get("created"):
        offices_changed(*_open_case_offices(unit_id=instance.pk), using=using)


def case_changed(case_pk, using: str | None = None) -> None:
    """Outdate the case's cached pages after a write that sends no signal (a bare
    `QuerySet.update()` of a row the page shows that is not the case row itself)."""
    _bump_cases([case_pk], using)


def _receiver(cases_of: Callable) -> Callable:
    def receiver(sender, instance, using=None, raw=False, **kwargs):
        if not raw:
            _bump_cases(cases_of(instance), using)

    return receiver


def _folder_cases(document) -> list:
    return list(Case.objects.filter(folder_id=document.folder_id).values_list("pk", flat=True))


def _event_cases(field: str) -> Callable:
    def cases_of(instance) -> list:
        event_id = getattr(instance, field)
        if event_id is None:
            return []
        return list(CaseEvent.objects.filter(pk=event_id).values_list("case_id", flat=True))

    return cases_of


def _fk_cases(fields: list[str]) -> Callable:
    return lambda instance: [getattr(instance, f) for f in fields]


#: A renamed person's cases to outdate, the most recently acted on first. Bounded: a busy
#: official may have acted on thousands; on the older ones the old name shows until
#: their entries expire (TTL, 5 minutes), and those pages are rarely opened meanwhile.
RENAMED_CASES = 500


def _name_before(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """pre_save of a user: remember whether the name the history shows changes."""
    instance._casepage_renamed = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "real_name" not in update_fields:
        return  # e.g. last_login at each login: no lookup
    rows = sender._base_manager.using(using).filter(pk=instance.pk)
    before = rows.values_list("real_name", flat=True).first()
    instance._casepage_renamed = before is not None and before != instance.real_name


def _name_after(sender, instance, raw=False, using=None, **kwargs):
    """post_save of a renamed user: outdate the pages of the cases they acted on (their
    name in the history is read live; the applicant's own is among the case's rows)."""
    if raw or not getattr(instance, "_casepage_renamed", False):
        return
    instance._casepage_renamed = False
    acted = (
        CaseEvent.objects.using(using).filter(actor_id=instance.pk).values("case_id")
        .annotate(last=Max("id")).order_by("-last")
    )  # fmt: skip
    _bump_cases([row["case_id"] for row in acted[:RENAMED_CASES]], using)
    offices_changed(*_open_case_offices(applicant_id=instance.pk), using=using)


def connect() -> None:
    """Signals: every model with a foreign key to a case (or to one of its events) bumps
    that case's generation; documents bump the case of their folder."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save, pre_save

    def on(model, receiver, uid: str) -> None:
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)

    for model in apps.get_models():
        fks = [f for f in model._meta.get_fields() if isinstance(f, ForeignKey) or f.one_to_one]
        to_case = [f.attname for f in fks if f.concrete and f.related_model is Case]
        to_event = [f.attname for f in fks if f.concrete and f.related_model is CaseEvent]
        if to_case:
            on(model, _receiver(_fk_cases(to_case)), f"casepage:{model._meta.label}")
        for field in to_event:
            on(model, _receiver(_event_cases(field)), f"casepage:{model._meta.label}:{field}")
    on(Case, _case_saved, "casepage:case")
    post_save.connect(_unit_saved, sender=apps.get_model("orgs.Unit"), weak=False,
                      dispatch_uid="casepage:unit")  # fmt: skip
    user = get_user_model()
    pre_save.connect(_name_before, sender=user, weak=False, dispatch_uid="casepage:renamed")
    post_save.connect(_name_after, sender=user, weak=False, dispatch_uid="casepage:renamed")
    on(apps.get_model("documents.Document"), _receiver(_folder_cases), "casepage:document")
