import functools
import re
from pathlib import Path

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from wagtail.models import Page

from .text import without_control_characters

ICONS = Path(__file__).resolve().parent / "static" / "cms" / "img"
ROOT_ICONS = {"favicon.ico": "image/x-icon", "apple-touch-icon.png": "image/png"}
SEARCH_RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search_words(query):
    """The query as plain words. Quotes, colons, brackets and the like are operators to the
    database's full-text engine (SQLite FTS5 refuses `"` or `http:` with an error), and a
    learner's search means only its words."""
    return " ".join(re.findall(r"\w+", query))


@require_GET
def search(request):
    """Site search over live, public pages."""
    query = without_control_characters(request.GET.get("q", "")).strip()
    error = None
    results = None
    if len(query) > MAX_QUERY_LENGTH:
        error = f"Please shorten your search to at most {MAX_QUERY_LENGTH} characters."
    elif search_words(query):
        pages = Page.objects.live().public().specific().search(search_words(query))
        results = Paginator(pages, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cms/search.html",
        {"search_query": query, "results": results, "error": error},
        status=400 if error else 200,
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness and database readiness for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse(
            {"status": "error", "database": "unavailable", "detail": str(exc.__class__.__name__)},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


@functools.cache
def icon_bytes(name):
    return (ICONS / name).read_bytes()


@require_safe
@cache_control(public=True, max_age=86400)
def root_icon(request, name):
    """The icons browsers ask for at the site's root whatever the pages link
    (/favicon.ico, /apple-touch-icon.png): the same files as in cms/static/cms/img/, served
    here because the static files live under STATIC_URL."""
    return HttpResponse(icon_bytes(name), content_type=ROOT_ICONS[name])
