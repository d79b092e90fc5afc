from wagtail import hooks

from .page_cache import mark_cacheable


@hooks.register("before_serve_page")
def allow_page_cache(page, request, serve_args, serve_kwargs):
    mark_cacheable(page, request)
