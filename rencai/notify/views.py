"""Development SMS/email inbox: lets demo users read codes without a gateway.

Exists only when settings.RENCAI_DEV_INBOX (never in production): 404 otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rencai.notify.models import OutboxMessage

INBOX_SIZE = 50


@never_cache
@require_GET
def dev_inbox(request):
    if not getattr(settings, "RENCAI_DEV_INBOX", False):
        raise Http404
    mobile = (request.GET.get("to") or "").strip()[:254]
    messages = OutboxMessage.objects.all()
    if mobile:
        messages = messages.filter(recipient=mobile)
    # Bodies of SMS were scrubbed of ID numbers when queued; emails never carry one.
    return render(
        request,
        "notify/dev_inbox.html",
        {"messages_list": list(messages[:INBOX_SIZE]), "to": mobile},
    )
