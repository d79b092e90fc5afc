"""Wagtail page routes kept in the cache, so that serving a page needs no query of its own.

To serve /courses/nmt-foundations/ischemia/, Wagtail finds the site (a query), loads its root
page, then for each path segment looks up the child and loads its specific page (two queries
per segment), and before serving checks the view restrictions of the page and its ancestors
(two more). The answer only changes when a page is published, unpublished (also when it
expires), moved or deleted, or a site or a view restriction changes, and each of those starts
a new page-cache generation (cms/page_cache.py). So after a page answers 200 its route is
kept for the generation: the live page itself (without its StreamFields, which kept template
fragments stand in for), how many path segments lead to it, and the ids of the view
restrictions that apply to it. The next request for the path hands Wagtail the route it
would have found (`request._wagtail_route_for_request`, Wagtail's own per-request memo);
Wagtail's serve view, its hooks and the view-restriction check then run as usual, and the
page's own `route()` still resolves any sub-route (RoutablePageMixin).

A kept route is exactly as fresh as an anonymous visitor's kept copy of the page (which is
served without any query at all): every Wagtail action that changes what a path serves
starts a new generation. Routes live in the `kept` cache (cms/kept.py): in each app server's
memory and in Redis, shared by every app server.
"""

from django.core.cache import caches
from django.http import Http404
from django.http.request import split_domain_port

from wagtail.models import Page, PageViewRestriction, Site

from .kept import KEEP_SECONDS, kept
from .page_cache import generation


def find_site(request):
    """Site.find_for_request, kept for the generation per host and port."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    hostname = split_domain_port(request._get_raw_host())[0]
    key = f"site:{generation(request)}:{hostname}:{request.get_port()}"
    request._wagtail_site = kept(key, lambda: Site.find_for_request(request))
    return request._wagtail_site


def _segments(path):
    return [segment for segment in path.split("/") if segment]


def _route_key(request, site, path):
    return f"route:{generation(request)}:{site.pk}:{path}"


def _lives_at(page, site, segments):
    """Whether the page's URL path is the site root followed by these segments."""
    return page.url_path == site.root_page.url_path + "".join(f"{s}/" for s in segments)


def prime_route(request, path):
    """Give Wagtail the kept route for this path, if one is kept; return whether it was."""
    site = find_site(request)
    if site is None:
        return False
    kept = caches["kept"].get(_route_key(request, site, path))
    if kept is None:
        return False
    page, depth, restriction_ids = kept
    page.kept_view_restriction_ids = restriction_ids
    try:
        request._wagtail_route_for_request = page.route(request, _segments(path)[depth:])
    except Http404:
        request._wagtail_route_for_request = None
    return True


def keep_route(request, path):
    """Keep the route Wagtail just found for this path (call after a 200 answer)."""
    site = find_site(request)
    route = getattr(request, "_wagtail_route_for_request", None)
    if site is None or route is None:
        return
    found = route[0]
    depth = found.depth - site.root_page.depth
    if depth < 0 or not _lives_at(found, site, _segments(path)[:depth]):
        return  # not under this site's root the usual way (an alias or a translation)
    # A clean copy without its StreamFields (loaded only if the page renders them; kept
    # fragments usually stand in) and without the ancestors routing attached to it.
    page = type(found).objects.defer_streamfields().get(pk=found.pk)
    restriction_ids = list(Page.get_view_restrictions(page).values_list("id", flat=True))
    caches["kept"].set(
        _route_key(request, site, path), (page, depth, restriction_ids), KEEP_SECONDS
    )


class KeptViewRestrictionsMixin:
    """For page models: a page served through a kept route answers get_view_restrictions()
    from the ids kept with the route (none: no query at all) instead of querying its
    ancestors and their restrictions again. Any other instance asks Wagtail as usual."""

    def get_view_restrictions(self):
        restriction_ids = getattr(self, "kept_view_restriction_ids", None)
        if restriction_ids is None:
            return super().get_view_restrictions()
        if not restriction_ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(id__in=restriction_ids)
