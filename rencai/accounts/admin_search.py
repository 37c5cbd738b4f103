"""The user admin's search without personal numbers in URLs.

Django's admin searches with GET (`?q=…`), which writes the term into the address bar, the
browser history, Referer headers and every access log. Here the search box posts; a term
that is an ID number or a mobile number is kept in the session under a random token and the
changelist is opened with `?q=~token`. An ID number is then found through the blind index,
never by LIKE."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from rencai.accounts.models import id_number_index
from rencai.accounts.validators import validate_id_number
from rencai.core.masking import scrub

SESSION_KEY = "admin_private_search_terms"
TOKEN_PREFIX = "~"
KEEP = 20  # terms per session: enough for back/forward, small enough for the session row
SEARCH_VAR = "q"


def is_private(term: str) -> bool:
    """Would the log masking change it? Then it must not travel in a URL either."""
    return scrub(term) != term


class PrivateSearchMixin:
    """For a ModelAdmin: POSTed search (templates admin/<app>/<model>/search_form.html),
    private terms behind session tokens, ID numbers through the blind index."""

    def _changelist_url(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def _token_for(self, request, term: str) -> str:
        terms = dict(request.session.get(SESSION_KEY, {}))
        token = TOKEN_PREFIX + secrets.token_urlsafe(9)
        terms[token] = term
        request.session[SESSION_KEY] = dict(list(terms.items())[-KEEP:])
        return token

    def _redirect(self, request, params: dict) -> HttpResponseRedirect:
        term = (params.pop(SEARCH_VAR, "") or "").strip()
        if term:
            params[SEARCH_VAR] = self._token_for(request, term) if is_private(term) else term
        query = urlencode(params)
        return HttpResponseRedirect(self._changelist_url() + (f"?{query}" if query else ""))

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(require_POST(self.private_search_view))
        return [
            path("search/", view, name=f"{opts.app_label}_{opts.model_name}_search"),
            *super().get_urls(),
        ]

    def private_search_view(self, request):
        if not self.has_view_or_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        params = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return self._redirect(request, params)

    def changelist_view(self, request, extra_context=None):
        # A number typed into the URL (or an old bookmark): out of the address bar at once.
        term = request.GET.get(SEARCH_VAR, "")
        if is_private(term):
            return self._redirect(request, dict(request.GET.items()))
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if term.startswith(TOKEN_PREFIX):
            term = request.session.get(SESSION_KEY, {}).get(term, "")
            if not term:  # expired with the session: find nothing rather than the token
                return queryset.none(), False
        queryset, dupes = super().get_search_results(request, queryset, term)
        if len(term) == 18:
            try:
                number = validate_id_number(term)
            except ValidationError:
                return queryset, dupes
            queryset |= self.model.objects.filter(id_number_index=id_number_index(number))
        return queryset, dupes
