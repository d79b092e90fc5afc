"""Page URLs without a Site query: `{% load cms_urls %}`.

Wagtail's `{% pageurl %}` and `{% routablepageurl %}` call `Site.find_for_request()`, one
database query per request that prints a page URL (cms/routing.py no longer primes Wagtail's
private per-request memo). These tags print the same URLs from the site kept for the content
generation (`cms.routing.find_site`) through Wagtail's public `Page.relative_url()` (a local
URL on the request's site, a full one elsewhere) and `reverse_subpage()`, as Wagtail's own
tags build them. `page.url` would need no site either, but without the request it reads
Wagtail's site root paths from the cache on every call.
"""

from django import template

from cms.routing import find_site

register = template.Library()


def relative_url(context, page):
    request = context.get("request")
    if request is None:
        return page.url
    return page.relative_url(find_site(request), request)


@register.simple_tag(takes_context=True)
def page_url(context, page):
    """As `{% pageurl page %}`."""
    if page is None:
        return ""
    return relative_url(context, page) or ""


@register.simple_tag(takes_context=True)
def subpage_url(context, page, url_name, *args, **kwargs):
    """As `{% routablepageurl page 'name' args %}`: one of the page's own routes."""
    base = relative_url(context, page) or ""
    if not base.endswith("/"):
        base += "/"
    return base + page.reverse_subpage(url_name, args=args, kwargs=kwargs)
