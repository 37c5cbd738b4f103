"""Pages every process shares: "my requests" and the officials' worklist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rencai.process import selectors


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
