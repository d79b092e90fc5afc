"""Anonymous visitors' copies of public pages, kept in the cache.

A visitor without a session gets a public page from the cache without touching the database.
Only pages served by Wagtail are kept (the `before_serve_page` hook marks them), only plain
200 answers that set no cookie and hold no CSRF token, and never pages with view
restrictions. Publishing, unpublishing, moving or deleting a page, or saving a snippet,
image or setting that pages show, starts a new generation: every kept copy is dropped at
once (cms/apps.py connects the signals). A copy is kept with the generation it was made
under and served only while that generation is current; one round trip (`get_many`) reads
the generation and the copy together. With Redis the copies and the generation are shared
by every app server. Only requests to addresses Wagtail's page view answers ask at all.

The key holds the host, the path and only the query parameters the page uses: a page model
lists them in `cache_query_params` (none by default; say `("page",)` for a paginated page).
Tracking parameters (utm_*, fbclid, gclid, mc_cid, ref and the like, TRACKING_PARAMS) are
left out of the key, so a campaign link shares the page's copy; a request with any other
parameter is answered by the page but its answer is not kept, so random query strings can
neither fill the cache nor serve one visitor's odd answer to another.
"""

import functools
import logging
import threading
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# The name of the URL pattern that serves Wagtail pages (cms/urls.py): only its addresses can
# be kept pages.
PAGE_VIEW_NAME = "wagtail_serve"


def generation():
    """The current generation: read from the cache once per request (the page cache, page
    routes, a module's shared parts, kept courses and quiz pools all key on it), and at each
    call outside a request."""
    memo = getattr(THIS_REQUEST, "generation", None)
    if memo:  # already read in this request
        return memo
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, first_generation(), timeout=None)
        value = cache.get(GENERATION_KEY)
    if value is None:  # the cache is unreachable: a value no kept entry can carry
        value = f"unshared-{uuid.uuid4().hex}"
    if memo is not None:  # in a request
        THIS_REQUEST.generation = value
    return value


# The generation this request has read: UNREAD from Django's request_started until it is
# read, None outside requests (cms/apps.py connects start_request and end_request), so code
# that runs outside one (commands, tasks) always reads the cache. A plain thread-local: it
# costs a hundredth of asgiref's Local on every request, and under ASGI, where requests may
# share a thread, a request can only see a number read after it started, which was current.
THIS_REQUEST = threading.local()
UNREAD = ""


def start_request(**kwargs):
    THIS_REQUEST.generation = UNREAD


def end_request(**kwargs):
    THIS_REQUEST.generation = None


def remember_generation(value):
    """Keep the generation just read for the rest of this request (nothing outside one)."""
    if getattr(THIS_REQUEST, "generation", None) is not None:
        THIS_REQUEST.generation = value


def first_generation():
    """The number a new series of generations starts from: the time in microseconds, so that
    after the cache is emptied or Redis restarts no number comes round again (app servers
    keep entries under these numbers in their own memory: cms/kept.py)."""
    return time.time_ns() // 1000


def new_generation(**kwargs):
    """Drop every kept page and value (a signal receiver; any arguments).

    The generation moves on at once, and again when the transaction that changed the content
    commits: a request that read the old rows in between (they were not committed yet) may
    have kept them under the first new number, never under the second."""
    next_generation()
    transaction.on_commit(next_generation)


def next_generation():
    if getattr(THIS_REQUEST, "generation", None):
        THIS_REQUEST.generation = UNREAD  # this request reads the new number from now on
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet: nothing is kept
        cache.add(GENERATION_KEY, first_generation(), timeout=None)


# Query parameters that only tell analytics where a visitor came from: never part of a key.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "twclid",
        "li_fat_id",
        "igshid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref",
        "ref_src",
    }
)


def is_tracking(name):
    return name.lower().startswith("utm_") or name.lower() in TRACKING_PARAMS


def query_params(request):
    """The request's query parameters other than tracking ones: sorted (name, value) pairs."""
    if not request.META.get("QUERY_STRING"):
        return []  # most requests: no QueryDict to build
    return sorted(
        (name, value)
        for name, values in request.GET.lists()
        if not is_tracking(name)
        for value in values
    )


def uses_only_its_params(page, request):
    """Whether every non-tracking query parameter is one the page declares it uses."""
    declared = set(getattr(page, "cache_query_params", ()))
    return all(name in declared for name, _value in query_params(request))


def page_key(request):
    """Where the copy of the page at this address is kept. The entry holds the generation it
    was made under with the copy (`AnonymousPageCacheMiddleware`), so the key need not, and
    one round trip reads both the current generation and the entry."""
    host, query = request.get_host(), urlencode(query_params(request))
    return f"pagecache:{settings.RELEASE}:{host}:{request.path}?{query}"


def candidate(request):
    """Whether this request may be answered from, or stored in, the page cache."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and is_page_address(request)
    )


def is_page_address(request):
    """Whether Wagtail's page view answers this address. Every other view (the API, quizzes,
    the dashboard, verification, a bare health check) can never be a kept page, so its
    requests skip the cache and its round trips; resolving the address costs none."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return resolves_to_a_page(request.path_info, urlconf)


@functools.lru_cache(maxsize=4096)
def resolves_to_a_page(path, urlconf):
    """is_page_address's answer, remembered for the process's last 4,096 paths: resolving a
    page's path tries every other pattern first (Wagtail's is the catch-all), 20 us of the
    0.36 ms a kept page costs in-process (docs/benchmarks.md). URL patterns are fixed while
    the process runs; a test that changes ROOT_URLCONF clears it (cms/apps.py)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return match.url_name == PAGE_VIEW_NAME


def forget_resolved_paths(setting, **kwargs):
    """setting_changed receiver: URL patterns may differ under the new ROOT_URLCONF."""
    if setting == "ROOT_URLCONF":
        resolves_to_a_page.cache_clear()


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
        and uses_only_its_params(page, request)
        and not page.get_view_restrictions().exists()
    )


class AnonymousPageCacheMiddleware:
    HIT_HEADER = "X-Page-Cache"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not candidate(request):
            return self.get_response(request)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])  # one round trip for both
        number = found.get(GENERATION_KEY)
        if number is None:
            number = generation()
        else:
            remember_generation(number)
        entry = found.get(key)
        if entry is not None and entry[0] == number:  # kept under the current generation
            response = entry[1]
            response[self.HIT_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if storable(request, response):
            response[self.HIT_HEADER] = "miss"
            patch_vary_headers(response, ["Cookie"])
            cache.set(key, (number, response), timeout=settings.PAGE_CACHE_SECONDS)
        return response


# What saving a draft (or locking) writes on the live row of a Wagtail model with drafts
# (RevisionMixin, DraftStateMixin, LockableMixin): bookkeeping that no public page shows.
DRAFT_BOOKKEEPING_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "locked", "locked_by", "locked_at"}
)
# And what saving a draft of a page writes besides (Page.save_revision()).
PAGE_DRAFT_BOOKKEEPING_FIELDS = DRAFT_BOOKKEEPING_FIELDS | {
    "wagtail_admin_comments",  # wagtail.models.COMMENTS_RELATION_NAME
    "latest_revision_created_at",
    "draft_title",
}


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
