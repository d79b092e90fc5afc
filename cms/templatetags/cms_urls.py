"""Page URLs without a Site query: `{% load cms_urls %}`.

Wagtail's `{% pageurl %}` and `{% routablepageurl %}` call `Site.find_for_request()`, one
database query per request that prints a page URL (cms/routing.py no longer primes Wagtail's
private per-request memo). Our templates print `{{ page.url }}` instead (Wagtail's public
property: the path alone while the project serves one site, the full URL with several), and
`{% subpage_url page 'name' args %}` for a RoutablePageMixin route, which is `page.url`
followed by Wagtail's public `page.reverse_subpage()`, as `{% routablepageurl %}` builds it.
"""

from django import template

register = template.Library()


@register.simple_tag
def subpage_url(page, url_name, *args, **kwargs):
    """The URL of one of the page's own routes (RoutablePageMixin)."""
    base = page.url or ""
    if not base.endswith("/"):
        base += "/"
    return base + page.reverse_subpage(url_name, args=args, kwargs=kwargs)
