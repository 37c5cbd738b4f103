"""Development SMS/email inbox: lets demo users read codes without a gateway (exists
only when settings.RENCAI_DEV_INBOX, never in production: 404 otherwise); and the
account page's notification preference."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

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


@login_required
@require_POST
def preference(request):
    """The account page's 待办通知方式 form (at once, or a daily digest)."""
    from rencai.core.errors import DomainError
    from rencai.notify.staff import preference_set

    try:
        preference_set(user=request.user, mode=request.POST.get("mode", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("待办通知方式已保存。"))
    return redirect(reverse("accounts:security") + "#notify")
