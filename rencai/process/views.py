"""Pages every process shares: "my requests" and the officials' worklist."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from rencai.core.errors import DomainError
from rencai.process import engine, selectors


@require_GET
@login_required
def mine(request):
    """我的申请: every request of this person, with status, holder, deadline and reason
    (FAQ 一.4 「查询信息注册情况及进度」, applications included)."""
    rows = selectors.my_requests(user=request.user)
    return render(request, "process/mine.html", {"rows": rows})


@require_GET
@login_required
def worklist(request):
    """待办: what the official's offices must act on, of every process with a queue."""
    rows = selectors.worklist(user=request.user)
    return render(request, "process/worklist_page.html", {"rows": rows})


def decide(
    request,
    *,
    process,
    obj,
    form,
    done: str,
    success: Mapping[str, str],
    failed: Callable,
):
    """POST of an action form (`action`, optional `reason`) on any process: the engine's
    transition, a message and a redirect to `done`; else `failed(form)` (the page again,
    the error next to its field). The caller has checked the user may see `obj`."""
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            engine.transition(
                process=process, obj=obj, action=action, actor=request.user,
                reason=form.cleaned_data.get("reason", ""), request=request,
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, str(success[action]) % {"number": obj.number})
            return redirect(done)
    obj.refresh_from_db()
    return failed(form)
