from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rencai.core.cache import generation
from rencai.core.errors import NotFound
from rencai.helpdesk import selectors
from rencai.helpdesk.apps import HELP_GENERATION
from rencai.helpdesk.models import Article


@require_GET
def index(request):
    q = request.GET.get("q", "").strip()
    context = {"q": q, "min_chars": selectors.SEARCH_MIN_CHARS}
    if q:
        context["results"] = list(selectors.article_search(q=q))
        context["too_short"] = len(q) < selectors.SEARCH_MIN_CHARS

    def sections():  # called by the template only when its cached fragment is missing
        articles = list(selectors.article_list())
        return [
            (value, label, [a for a in articles if a.section == value])
            for value, label in Article.Section.choices
        ]

    context["sections"] = sections
    context["help_generation"] = generation(HELP_GENERATION)
    return render(request, "helpdesk/index.html", context)


@require_GET
def article(request, slug: str):
    try:
        item = selectors.article_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    directory = selectors.office_directory() if item.embeds_directory else None
    return render(request, "helpdesk/article.html", {"article": item, "directory": directory})


@require_GET
def directory(request):
    return render(request, "helpdesk/directory.html", {"rows": selectors.office_directory()})


@require_GET
def not_handled(request):
    return render(request, "helpdesk/not_handled.html")
