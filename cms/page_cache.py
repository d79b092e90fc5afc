"""Anonymous visitors' copies of public pages, kept in the cache.

A visitor without a session gets a public page from the cache without touching the database.
Only pages served by Wagtail are kept (the `before_serve_page` hook marks them), only plain
200 answers that set no cookie and hold no CSRF token, and never pages with view
restrictions. Publishing, unpublishing, moving or deleting a page, or saving a snippet,
image or setting that pages show, starts a new generation: every kept copy is dropped at
once (cms/apps.py connects the signals). A copy is kept with the generation it was made
under and served only while that generation is current. With Redis the copies and the
generation are shared by every app server; each app server process also keeps the copies it
serves in its own memory and trusts the generation it read for GENERATION_RECHECK_SECONDS
(1 s; at once after a change it made itself), so a kept page costs no round trip at all
(decision 0205). Only requests to addresses Wagtail's page view answers ask at all.

The key holds the host, the path and only the query parameters the page uses: a page model
lists them in `cache_query_params` (none by default; say `("page",)` for a paginated page).
Tracking parameters (utm_*, fbclid, gclid, mc_cid, ref and the like, TRACKING_PARAMS) are
left out of the key, so a campaign link shares the page's copy; a request with any other
parameter is answered by the page but its answer is not kept, so random query strings can
neither fill the cache nor serve one visitor's odd answer to another.
"""

import functools
import logging
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# The name of the URL pattern that serves Wagtail pages (cms/urls.py): only its addresses can
# be kept pages.
PAGE_VIEW_NAME = "wagtail_serve"


def generation():
    """The current generation, as this process last read it from the shared cache: it asks
    again once the number is GENERATION_RECHECK_SECONDS old (settings; 1 s), and at once
    after it moved the number itself. So a change made by one app server reaches the others
    within that second, and a page, route or kept value read meanwhile is at most that old."""
    recent = RECENT[0]
    now = time.monotonic()
    if recent is not None and now - recent[1] < settings.GENERATION_RECHECK_SECONDS:
        return recent[0]
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, first_generation(), timeout=None)
        value = cache.get(GENERATION_KEY)
    if value is None:  # the cache is unreachable: a value no kept entry can carry
        return f"unshared-{uuid.uuid4().hex}"
    RECENT[0] = (value, now)
    return value


# (number, when it was read) or None: the generation this process read last (generation()).
# One list item, replaced whole, so threads never see half of it. Reading the shared number
# on every request cost a Redis round trip: the whole difference between a kept page and the
# bare view, and 0.1 ms of a signed-in page (docs/benchmarks.md, decision 0205).
RECENT = [None]


def forget_generation():
    """Read the shared number at the next call (after a change here, and between tests)."""
    RECENT[0] = None


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
    forget_generation()  # this process serves the new number at once
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
    was made under with the copy (`AnonymousPageCacheMiddleware`), so the key need not."""
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
        number = generation()
        response = kept_copy(key, number)
        if response is not None:
            response[self.HIT_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if storable(request, response):
            response[self.HIT_HEADER] = "miss"
            patch_vary_headers(response, ["Cookie"])
            keep_copy(key, number, response)
        return response


# Each app server process keeps the copies it served in its own memory too (a standard
# local-memory cache alias, settings.CACHES), in front of the shared cache: with the
# generation it read in the last second (generation()), a kept page costs no round trip.
LOCAL_COPIES = "page-copies"
LOCAL_COPY_SECONDS = 60  # then read again from the shared cache, where copies age out


def kept_copy(key, number):
    """The response kept for this address under this generation, or None: from this
    process's memory, else from the shared cache (then kept in this process too)."""
    local = caches[LOCAL_COPIES]
    entry = local.get(key)
    if entry is None or entry[0] != number:
        entry = cache.get(key)
        if entry is None or entry[0] != number:
            return None
        local.set(key, entry, timeout=LOCAL_COPY_SECONDS)
    return entry[1]


def keep_copy(key, number, response):
    entry = (number, response)
    cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
    caches[LOCAL_COPIES].set(key, entry, timeout=LOCAL_COPY_SECONDS)


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
