"""Values that never change under their key, kept in this process and shared by every server.

Page routes, a module version's rendered shared parts, the site and its
settings row, each course's live row and its content for the learner outline, each quiz's
question pool and each module's learner panel for each learner state
(quizzes/wagtail_hooks.py) are kept under keys that carry the content generation
(cms/page_cache.py) or a published version, so an entry, once written, is never wrong: a
change makes a new key instead. Two standard Django cache aliases hold them (settings: CACHES):

- `kept`: local memory in each process, read first; it saves a round trip to Redis and the
  unpickling of a page object on every request;
- `kept-shared`: Redis under the release's key prefix (local memory without Redis), so that
  a value computed by one app server process is not computed again by the others.

docs/benchmarks.md has the figures that keep the shared level. Each process reads the
generation itself from the shared cache at most once a second (GENERATION_RECHECK_SECONDS),
so every app server learns within a second that content changed, and the one that changed it
at once. Only keys that carry a generation or a version belong in these aliases.
"""

from django.core.cache import caches

KEEP_SECONDS = 24 * 60 * 60
MISSING = object()


def kept_value(key, default=None):
    """The value kept under `key`: from this process, else from the shared level (then also
    kept in this process), else `default`."""
    local = caches["kept"]
    value = local.get(key, MISSING)
    if value is MISSING:
        value = caches["kept-shared"].get(key, MISSING)
        if value is MISSING:
            return default
        local.set(key, value, KEEP_SECONDS)
    return value


def keep(key, value):
    """Keep `value` under `key` (which must carry the generation or a version) for a day."""
    caches["kept-shared"].set(key, value, KEEP_SECONDS)
    caches["kept"].set(key, value, KEEP_SECONDS)


def kept(key, compute):
    """The value kept under `key`, else compute() (None included), kept for a day."""
    value = kept_value(key, MISSING)
    if value is MISSING:
        value = compute()
        keep(key, value)
    return value


def kept_many(keys, read_missing):
    """{id: value} for `keys` ({id: key}): each kept value, and for the ids with none,
    read_missing(ids) ({id: value}, in one go), kept for a day. An id read_missing does not
    answer for is left out."""
    values = {id_: kept_value(key, MISSING) for id_, key in keys.items()}
    missing = [id_ for id_, value in values.items() if value is MISSING]
    found = read_missing(missing) if missing else {}
    for id_, value in found.items():
        keep(keys[id_], value)
    values.update(found)
    return {id_: value for id_, value in values.items() if value is not MISSING}
