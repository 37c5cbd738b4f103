"""The draft page (`/cases/N/edit/`) whole from the shared cache (issue #15).

A person comes back to the draft many times (from the dashboard, after an upload, with the
back button, on a second device) and each view rendered the three forms, the checklist,
the route and the attachments again: about 24 ms of CPU, most of it in templates. The
page is kept under a key made of everything it shows:

- the case as rencai.cases.status_cache keys it: the values of the case row and of the
  rows read with it, and the case's generation (documents of its folder, verification,
  events, … bump it);
- the person's generation, for the applicant and whoever created the case: bumped by
  their own requests (新增单位, 增加院校/专业: a save of the request or an event of its
  process; the unit picker and the catalogue box list them) and by their role grants;
- the unit's grants generation (the page says when the unit has no administrator yet);
- the generations of the reference data (offices, chain steps, attachment types,
  eligibility rules, calendar) and of the catalogue (institutions, majors, title series);
- who is looking and as what (role), the language, today's date, the site frame
  (address, name, identity, 长辈版, host) and the viewer's CSRF secret.

Never cached: a page with a one-time message, the page after a refused 送审 (its summary
is shown once), anything but a plain GET. Entries live at most status_cache.TTL seconds;
a cache that fails renders the page as before.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.utils.translation import get_language

from rencai.cases.models import Case
from rencai.cases.status_cache import (
    case_generation,
    case_rows,
    frame_parts,
    page,
    page_store,
    versions,
)
from rencai.core import clock
from rencai.core.cache import bump_now_and_after_commit

__all__ = ["connect", "key_for", "page", "page_store"]

CATALOG = "catalog"
CATALOG_MODELS = ("catalog.Institution", "catalog.Major", "catalog.TitleSeries")


def person_generation(pk) -> str:
    return f"person:{pk}"


def unit_grants_generation(pk) -> str:
    return f"unitgrants:{pk}"


def key_for(request, case: Case, role: str, *, refusal_waiting: bool) -> str | None:
    """The page's key for this viewer, or None when it must be rendered (and not kept)."""
    if request.method != "GET" or request.GET or refusal_waiting:
        return None
    if len(messages.get_messages(request)):
        return None
    people = sorted({pk for pk in (case.applicant_id, case.created_by_id) if pk is not None})
    names = [case_generation(case.pk), CATALOG, *map(person_generation, people)]
    if case.unit_id is not None:
        names.append(unit_grants_generation(case.unit_id))
    shared = versions(request, *names)
    if shared is None:
        return None
    parts = [
        *case_rows(case), *shared, request.user.pk, role, get_language(), clock.today().isoformat(),
        request.COOKIES.get("rencai_elder", ""), *frame_parts(request),
    ]  # fmt: skip
    return f"draftpage:{case.pk}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


# --- invalidation ------------------------------------------------------------------------


def _bump(names, using) -> None:
    bump_now_and_after_commit(*sorted(set(names)), using=using)


def _on_request(sender, instance, using=None, raw=False, **kwargs):
    if not raw and getattr(instance, "requester_id", None) is not None:
        _bump([person_generation(instance.requester_id)], using)


def _on_event(sender, instance, using=None, raw=False, **kwargs):
    """An event of a process whose objects have a requester: the engine writes status by
    `update()` (no signal), so the event says that the request moved."""
    from django.apps import apps

    from rencai.process import declare

    if raw or instance.process not in declare.registered_keys():
        return
    model = apps.get_model(declare.get(instance.process).model)
    if not any(f.name == "requester" for f in model._meta.concrete_fields):
        return
    rows = model._base_manager.using(using).filter(pk=instance.object_id)
    requester = rows.values_list("requester_id", flat=True).first()
    if requester is not None:
        _bump([person_generation(requester)], using)


def _on_grant(sender, instance, using=None, raw=False, **kwargs):
    if raw:
        return
    names = [person_generation(instance.user_id)]
    if instance.unit_id is not None:
        names.append(unit_grants_generation(instance.unit_id))
    _bump(names, using)


def _on_catalog(sender, instance, using=None, raw=False, **kwargs):
    if not raw:
        _bump([CATALOG], using)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    def on(label: str, receiver, uid: str) -> None:
        model = apps.get_model(label)
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)

    for model in apps.get_models():
        if any(f.name == "requester" and f.concrete for f in model._meta.get_fields()):
            on(model._meta.label, _on_request, f"draftpage:{model._meta.label}")
    on("process.ProcessEvent", _on_event, "draftpage:event")
    on("accounts.RoleGrant", _on_grant, "draftpage:grant")
    for label in CATALOG_MODELS:
        on(label, _on_catalog, f"draftpage:{label}")
