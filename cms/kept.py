"""A cache for values that never change under their key, kept in each process as well.

Rendered module bodies, page routes, module navigation and the site's settings are all kept
under keys that carry the content generation (cms/page_cache.py) or a published version, so
an entry, once written, is never wrong: a change makes a new key instead. Such values can be
held in the app server's own memory too, which saves the round trip to Redis and the
unpickling of large values on every request; the shared cache still carries them from one
app server to the next, and the generation, read from the shared cache once per request,
still tells every server at once that content changed.

Only keys that carry a generation or a version belong here (the `kept` cache alias). The
process's share is bounded in bytes (OPTIONS["LOCAL_BYTES"], 32 MB by default) and emptied
when full; it holds pickles, so no two requests ever share a mutable object.
"""

# Pickles this process wrote itself, never outside input.
import pickle  # nosec B403
import threading

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_MISSING = object()
KEEP_SECONDS = 24 * 60 * 60


def kept(key, compute):
    """The value kept under `key`, which must carry the content generation or a version;
    else compute() (None included), kept for a day."""
    store = caches["kept"]
    value = store.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(key, value, KEEP_SECONDS)
    return value


class KeptCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._shared_alias = location or "default"
        self._limit = int(options.get("LOCAL_BYTES", 32 * 1024 * 1024))
        self._local = {}
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def _shared(self):
        return caches[self._shared_alias]

    def _remember(self, key, value):
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._bytes + len(data) > self._limit:
                self._local.clear()
                self._bytes = 0
            if len(data) <= self._limit:
                self._bytes += len(data) - len(self._local.get(key, b""))
                self._local[key] = data

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        data = self._local.get(key)
        if data is not None:
            return pickle.loads(data)  # noqa: S301  # nosec B301
        value = self._shared.get(key, _MISSING)
        if value is _MISSING:
            return default
        self._remember(key, value)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self._timeout(timeout)
        self._shared.set(key, value, timeout=timeout)
        if timeout is None or timeout > 0:  # 0: not to be kept at all (a preview)
            self._remember(key, value)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        added = self._shared.add(key, value, timeout=self._timeout(timeout))
        if added:
            self._remember(key, value)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._shared.touch(key, timeout=self._timeout(timeout))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            data = self._local.pop(key, None)
            self._bytes -= len(data) if data else 0
        return self._shared.delete(key)

    def clear(self):
        """Empty this process's share only (the shared cache holds other aliases' data)."""
        with self._lock:
            self._local.clear()
            self._bytes = 0

    def _timeout(self, timeout):
        return self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
