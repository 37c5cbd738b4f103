"""Pages every process shares: "my requests", the officials' worklist, a request's page
by number and the form that decides it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rencai.core.errors import DomainError, NotFound
from rencai.process import engine, selectors
from rencai.process.forms import DecideForm


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


@dataclass(frozen=True)
class RequestPages:
    """The page of one request kind by number and the POST that decides it (any reviewed
    process): `get(user=, number=)` raises NotFound for what the user may not see;
    `is_office(user, obj)` says who decides; `context(request, obj)` adds the kind's own
    facts; `name` is the object's name in the template (also `obj`, with `is_office`,
    `worklist_url` = `done` and `decide_url`, for process/request_detail.html)."""

    process: Any
    get: Callable
    is_office: Callable
    template: str
    name: str
    done: str
    success: Mapping[str, str]
    context: Callable = lambda request, obj: {}
    office_flag: str = "is_office"
    decide_url: str = ""
    form_class: type = DecideForm

    def page(self, request, obj, *, decide_form=None, status: int = 200):
        is_office = self.is_office(request.user, obj)
        if not (is_office and obj.is_pending):  # decided (meanwhile, in another tab): no form
            for error in decide_form.non_field_errors() if decide_form is not None else ():
                messages.error(request, error)  # why this decision was not taken
            decide_form = None
        elif decide_form is None:
            decide_form = self.form_class()
        context = {
            self.name: obj, self.office_flag: is_office, "decide_form": decide_form,
            "obj": obj, "is_office": is_office, "worklist_url": self.done,
            "decide_url": self.decide_url,
            "deadline": selectors.deadline_view(obj), **self.context(request, obj),
        }  # fmt: skip
        return render(request, self.template, context, status=status)

    def _get(self, request, number: str):
        try:
            return self.get(user=request.user, number=number)
        except NotFound:
            raise Http404 from None

    def views(self) -> tuple[Callable, Callable]:
        """(detail, decide) view functions, for the kind's URLconf."""
        from rencai.backoffice.access import official_required

        @login_required
        @require_GET
        def detail(request, number: str):
            return self.page(request, self._get(request, number))

        @login_required
        @require_http_methods(["GET", "POST"])
        @official_required  # deciders are officials (their TOTP: SecondFactorMiddleware)
        def decide_view(request, number: str):
            obj = self._get(request, number)
            if not self.is_office(request.user, obj):
                raise Http404
            if request.method == "GET":  # the address after a refused decision, reloaded
                return redirect(self.process.url(obj))
            return decide(
                request, process=self.process, obj=obj, form=self.form_class(request.POST),
                done=self.done, success=self.success,
                failed=lambda form: self.page(request, obj, decide_form=form, status=400),
            )  # fmt: skip

        return detail, decide_view

    def urls(self, prefix: str, *, review: str, worklist: Callable, names: tuple) -> list:
        """This kind's URL patterns: the worklist at `review`, then a request by number
        under `prefix` and its decide POST; `names`: (worklist, detail, decide)."""
        from django.urls import path

        detail, decide_view = self.views()
        views = (worklist, detail, decide_view)
        paths = (review, f"{prefix}<str:number>/", f"{prefix}<str:number>/decide/")
        return [path(p, v, name=n) for p, v, n in zip(paths, views, names, strict=True)]

    def worklist_view(
        self,
        *,
        queue: Callable,
        template: str,
        allowed: Callable,
        extra: Callable = lambda request: {},
        limit: int = 500,
    ) -> Callable:
        """The officials' queue of this kind (`done` is its URL name): `queue(user=)` in
        deadline order as process rows (process/_worklist.html); 404 unless `allowed(user)`;
        `extra(request)` adds the page's own context."""
        from rencai.backoffice.access import official_required

        @login_required
        @require_GET
        @official_required  # officials (their TOTP: SecondFactorMiddleware)
        def view(request):
            if not allowed(request.user):
                raise Http404
            objs = queue(user=request.user)[:limit]
            rows = selectors.rows_for(process=self.process, objs=objs, office=True)
            return render(request, template, {"rows": rows, **extra(request)})

        return view


def lookup_view(pages: Sequence[RequestPages], *, form_class: type, template: str) -> Callable:
    """GET `number`: the request of that number among the kinds of `pages` (chosen by
    their processes' number prefix, else the first) → its page; a number the user may not
    see (or none) → `template` again with the error next to the field, 404."""

    @login_required
    @require_GET
    def view(request):
        form = form_class(request.GET)
        if form.is_valid():
            number = selectors.normalize_number(form.cleaned_data["number"])
            numbered = [p for p in pages if p.process.number_prefix]
            prefixed = [p for p in numbered if number.startswith(p.process.number_prefix)]
            chosen = (prefixed or pages)[0]
            try:
                return redirect(chosen.process.url(chosen.get(user=request.user, number=number)))
            except NotFound as exc:
                form.add_error("number", exc.message)
        return render(request, template, {"lookup_form": form}, status=404)

    return view
