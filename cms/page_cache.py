"""Anonymous visitors' copies of public pages, kept in the cache.

A visitor without a session gets a public page from the cache without touching the database.
Only pages served by Wagtail are kept (the `before_serve_page` hook marks them), only plain
200 answers that set no cookie and hold no CSRF token, and never pages with view
restrictions. Publishing, unpublishing, moving or deleting a page, or saving a snippet,
image or setting that pages show, starts a new generation: every kept copy is dropped at
once (cms/apps.py connects the signals). With Redis the copies and the generation are
shared by every app server.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_vary_headers

from .kept import KEEP_SECONDS

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# Paths that are never Wagtail pages, checked before anything else (no cache round trip).
SKIP_PREFIXES = (
    "/admin/",
    "/api/",
    "/accounts/",
    "/quizzes/",
    "/dashboard/",
    "/search/",
    "/verify/",
    "/certificates/",
    "/credentials/",
    "/documents/",
    "/healthz",
    "/_util/",
)


def generation(request=None):
    """The current generation; read from the cache once per request when given one (the
    page cache, the module navigation and the module body all key on it)."""
    if request is not None and hasattr(request, "content_generation"):
        return request.content_generation
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, first_generation(), timeout=None)
        value = cache.get(GENERATION_KEY)
    if value is None:  # the cache is unreachable: a value no kept entry can carry
        value = f"unshared-{uuid.uuid4().hex}"
    if request is not None:
        request.content_generation = value
    return value


def first_generation():
    """The number a new series of generations starts from: the time in microseconds, so that
    after the cache is emptied or Redis restarts no number comes round again (app servers
    keep entries under these numbers in their own memory: cms/kept.py)."""
    return time.time_ns() // 1000


def new_generation(**kwargs):
    """Drop every kept page (a signal receiver; any arguments)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet: nothing is kept
        cache.add(GENERATION_KEY, first_generation(), timeout=None)


def fragment_version(request, page):
    """How a template fragment of this page is kept (`{% cache fragment.seconds name page.pk
    fragment.version using="kept" %}`): under its published version and the generation, for
    a day. A preview is never kept (a key of its own and no time), nor is anything while
    DEBUG is on: a developer's template edits show at once without a restart."""
    if getattr(request, "is_preview", False) or settings.DEBUG:
        return {"version": f"preview-{uuid.uuid4().hex}", "seconds": 0}
    published = page.last_published_at.isoformat() if page.last_published_at else "never"
    return {"version": f"{published}:{generation(request)}", "seconds": KEEP_SECONDS}


def page_key(request, generation_number):
    host, path = request.get_host(), request.get_full_path()
    return f"pagecache:{settings.RELEASE}:{generation_number}:{host}:{path}"


def candidate(request):
    """Whether this request may be answered from, or stored in, the page cache."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIP_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def mark_cacheable(page, request):
    """Called for each Wagtail page about to be served (cms/wagtail_hooks.py)."""
    request.page_cache_page = page


def storable(request, response):
    page = getattr(request, "page_cache_page", None)
    return (
        page is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in response.get("Cache-Control", "")
        and not page.get_view_restrictions().exists()
    )


class AnonymousPageCacheMiddleware:
    HIT_HEADER = "X-Page-Cache"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not candidate(request):
            return self.get_response(request)
        number = generation(request)
        key = page_key(request, number)
        cached = cache.get(key)
        if cached is not None:
            cached[self.HIT_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if storable(request, response):
            response[self.HIT_HEADER] = "miss"
            patch_vary_headers(response, ["Cookie"])
            cache.set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
        return response


# What saving a draft (or locking) writes on the live row of a Wagtail model with drafts
# (RevisionMixin, DraftStateMixin, LockableMixin): bookkeeping that no public page shows.
DRAFT_BOOKKEEPING_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "locked", "locked_by", "locked_at"}
)


def invalidate_on(*models, except_saves_of=frozenset()):
    """Start a new generation whenever one of these models (shown on public pages) is saved
    or deleted. Apps call it from their AppConfig.ready() for their own models.

    A save that writes only fields named in `except_saves_of` (its `update_fields`) starts
    none: a model with drafts passes DRAFT_BOOKKEEPING_FIELDS, since saving a draft revision
    leaves its live row as it was, while publishing saves the whole row."""
    from django.db.models.signals import post_delete, post_save

    except_saves_of = frozenset(except_saves_of)

    def saved(sender, update_fields=None, **kwargs):
        if update_fields and set(update_fields) <= except_saves_of:
            return
        new_generation()

    for model in models:
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"page-cache-{model}")
        post_delete.connect(
            new_generation, sender=model, weak=False, dispatch_uid=f"page-cache-{model}"
        )
