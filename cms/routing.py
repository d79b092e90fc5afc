"""Wagtail page routes kept (cms/kept.py), so that serving a page needs no query of its own.

To serve /courses/nmt-foundations/ischemia/, Wagtail finds the site (a query), loads its root
page, then for each path segment looks up the child and loads its specific page (two queries
per segment), and before serving checks the view restrictions of the page and its ancestors
(two more). The answer only changes when a page is published, unpublished (also when it
expires), moved or deleted, or a site or a view restriction changes, and each of those starts
a new content generation (cms/page_cache.py). So after a page answers 200 its route is kept
for the generation: the live page itself (without its StreamFields, which kept template
fragments stand in for), how many path segments lead to it, and the ids of the view
restrictions that apply to it.

`serve` is Wagtail's own page view (wagtail.views.serve) written out with public APIs only:
it takes the kept page when there is one, else asks `Page.route_for_request`, then runs the
`on_serve_page` and `before_serve_page` hooks and `page.serve()` exactly as Wagtail's view
does; the kept page's own `route()` still resolves any sub-route (RoutablePageMixin), and
the view-restriction check runs as usual (from the kept ids: KeptViewRestrictionsMixin).

Only pages that live under the site's root the usual way are kept: an alias is kept at its
own path like any page (it is a page of its own in the tree), and a page reached any other
way (say, a translation served from another locale's root) is routed by Wagtail every time.
"""

from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port

from wagtail import hooks
from wagtail.models import Page, PageViewRestriction, Site

from .kept import keep, kept, kept_value
from .page_cache import generation


def find_site(request):
    """The Site for this request (as Site.find_for_request finds it), kept for the generation
    per host and port, and remembered on the request (`request.cms_site`)."""
    if not hasattr(request, "cms_site"):
        try:
            hostname = split_domain_port(request.get_host())[0]
        except DisallowedHost:
            request.cms_site = Site.find_for_request(request)
        else:
            key = f"site:{generation()}:{hostname}:{request.get_port()}"
            request.cms_site = kept(key, lambda: Site.find_for_request(request))
    return request.cms_site


def segments_of(path):
    return [segment for segment in path.split("/") if segment]


def route_key(site, path):
    return f"route:{generation()}:{site.pk}:{path}"


def lives_at(page, site, segments):
    """Whether the page's URL path is the site root followed by these segments."""
    return page.url_path == site.root_page.url_path + "".join(f"{s}/" for s in segments)


def kept_route(request, path):
    """The route (page, args, kwargs) kept for this path, or None when none is kept; raises
    Http404 when the kept page has no sub-route for the rest of the path."""
    site = find_site(request)
    if site is None:
        return None
    entry = kept_value(route_key(site, path))
    if entry is None:
        return None
    page, depth, restriction_ids = entry
    page.kept_view_restriction_ids = restriction_ids
    return page.route(request, segments_of(path)[depth:])


def keep_route(request, path, found):
    """Keep the route Wagtail just found for this path (call after a 200 answer)."""
    site = find_site(request)
    if site is None:
        return
    depth = found.depth - site.root_page.depth
    if depth < 0 or not lives_at(found, site, segments_of(path)[:depth]):
        return  # not under this site's root the usual way (say, another locale's tree)
    # A clean copy without its StreamFields (loaded only if the page renders them; kept
    # fragments usually stand in) and without the ancestors routing attached to it.
    page = type(found).objects.defer_streamfields().get(pk=found.pk)
    restriction_ids = list(Page.get_view_restrictions(page).values_list("id", flat=True))
    keep(route_key(site, path), (page, depth, restriction_ids))


def serve_chain(page, request, args, kwargs):
    return page.serve(request, *args, **kwargs)


def serve(request, path):
    """Wagtail's page view (see the module docstring), starting from the kept route."""
    route = kept_route(request, path)
    fresh = route is None
    if fresh:
        route = Page.route_for_request(request, path)
        if route is None:
            raise Http404
    page, args, kwargs = route

    on_serve_chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        on_serve_chain = fn(on_serve_chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    response = on_serve_chain(page, request, args, kwargs)
    if fresh and response.status_code == 200:
        keep_route(request, path, page)
    return response


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
