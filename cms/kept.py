"""Values that never change under their key, kept in this process's memory.

Page routes, module navigation, rendered module fragments, the site and its settings row are
kept under keys that carry the content generation (cms/page_cache.py) or a published
version, so an entry, once written, is never wrong: a change makes a new key instead. Such
values live in the `kept` cache alias, a standard Django local-memory cache in each process
(settings: KEPT_CACHE), which saves a round trip to Redis and the unpickling of a large value
on every request. The generation itself is read from the shared cache once per request, so
every app server still learns at once that content changed.

Only keys that carry a generation or a version belong in the `kept` alias.
"""

from django.core.cache import caches

KEEP_SECONDS = 24 * 60 * 60


def kept(key, compute):
    """The value kept under `key`, which must carry the content generation or a version;
    else compute() (None included), kept for a day."""
    return caches["kept"].get_or_set(key, compute, KEEP_SECONDS)
