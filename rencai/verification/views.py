"""Thin pages: the applicant's 重新检查 button, the official's 重新核验 button and the
statistics. Object access is the cases/back-office selectors' (404 for what isn't yours)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.accounts.roles import acting_as_for
from rencai.backoffice.access import office_required
from rencai.cases import workflow
from rencai.cases.selectors import case_get_for_page
from rencai.core.errors import NotFound
from rencai.verification import selectors, services


@login_required
@require_POST
def precheck(request, number: str):
    try:
        case, role = case_get_for_page(number=number, user=request.user,
                                       acting_as=acting_as_for(request))  # fmt: skip
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if role not in (workflow.Role.APPLICANT, workflow.Role.UNIT_ADMIN):
        raise Http404
    if services.precheck_enqueue(case=case) is not None:
        messages.info(request, _("已提交数据核验预检，结果稍后显示在“送审前检查”中。"))
    return redirect(reverse("cases:edit", args=[case.number]) + "#verification")


@office_required
@require_POST
def rerun(request, number: str):
    from rencai.backoffice.selectors import case_for_official

    try:
        case = case_for_official(number=number, user=request.user, acting_as=request.acting)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    services.verification_rerun(case=case, actor=request.user, request=request)
    messages.success(request, _("已重新提交数据核验，后台处理完成后刷新本页查看结果。"))
    return redirect(reverse("backoffice:case", args=[case.number]) + "#verification")


@office_required
def stats(request):
    return render(request, "verification/stats.html", {"stats": selectors.stats()})
