"""Request-level rules of the input handling (see rencai.core.forms)."""

from __future__ import annotations

from rencai.core.forms import form_errors_seen


class FormErrorStatusMiddleware:
    """One status for a form re-rendered with errors: 400, on every form.

    Why 400 and not 200: the page answers a submission that was refused, which is a client
    error; most of our forms already said so (case pages, reviews, changes, admin), and a
    400 lets the autosave script, monitoring and tests tell a refused submission from an
    accepted one without reading the HTML. Browsers show the page (with what was typed and
    the errors next to the fields) exactly as with 200. A view that already chose a status
    keeps it; only a 200 HTML answer to a POST whose form had errors is changed. A picker's
    own search button (a `<field>_search` key, see rencai.orgs.forms) only re-renders the
    form with the matches: it is not a refused submission and stays 200.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        token = form_errors_seen.set(False)
        try:
            response = self.get_response(request)
            if (
                form_errors_seen.get()
                and not any(key.endswith("_search") for key in request.POST)
                and response.status_code == 200
                and response.get("Content-Type", "").startswith("text/html")
            ):
                response.status_code = 400
            return response
        finally:
            form_errors_seen.reset(token)
