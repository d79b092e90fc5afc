from django.utils.functional import SimpleLazyObject

from .page_cache import generation


def content_generation(request):
    """The page cache's generation (cms/page_cache.py), for template fragments that must be
    dropped with it: it changes on any publish and on any change to images, snippets or
    settings that pages show. Read from the cache only when a template uses it."""
    return {"content_generation": SimpleLazyObject(lambda: str(generation(request)))}
