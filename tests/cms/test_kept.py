"""The `kept` cache (cms/kept.py): values under keys that never change meaning, held in the
process as well as in the shared cache; and the generation numbers those keys carry."""

from django.core.cache import cache, caches
from django.test import override_settings

import pytest

from cms.page_cache import fragment_version, generation, new_generation, page_key
from cms.release import code_fingerprint
from tests.services import UNREACHABLE_REDIS_URL, redis_cache_settings


@pytest.fixture
def kept():
    kept = caches["kept"]
    kept.clear()
    yield kept
    kept.clear()


def drop_shared(kept, key):
    cache.delete(kept.make_key(key))


def test_a_kept_value_is_read_from_the_process_without_the_shared_cache(kept):
    kept.set("route:1:a", ("page", 7), 60)
    drop_shared(kept, "route:1:a")
    assert kept.get("route:1:a") == ("page", 7)


def test_a_value_another_server_wrote_is_read_from_the_shared_cache_then_kept(kept):
    cache.set(kept.make_key("route:1:b"), {"from": "another server"}, 60)
    assert kept.get("route:1:b") == {"from": "another server"}
    drop_shared(kept, "route:1:b")
    assert kept.get("route:1:b") == {"from": "another server"}


def test_callers_get_copies_so_no_request_changes_what_the_next_one_reads(kept):
    kept.set("navigation:1", {"related": ["a"]}, 60)
    first = kept.get("navigation:1")
    first["related"].append("changed by a request")
    assert kept.get("navigation:1") == {"related": ["a"]}


def test_a_missing_key_gives_the_default(kept):
    assert kept.get("nothing-here") is None
    assert kept.get("nothing-here", "default") == "default"


def test_a_zero_timeout_keeps_nothing(kept):
    kept.set("preview-fragment", "<p>draft</p>", 0)
    assert kept.get("preview-fragment") is None


def test_the_process_share_is_bounded_in_bytes():
    config = {"BACKEND": "cms.kept.KeptCache", "LOCATION": "default"}
    config["OPTIONS"] = {"LOCAL_BYTES": 4000}
    with override_settings(CACHES={**caches.settings, "kept": config}):
        kept = caches["kept"]
        for n in range(10):
            kept.set(f"fragment:{n}", "x" * 1000, 60)
        assert 0 < kept._bytes <= 4000
        assert len(kept._local) < 10
        assert kept.get("fragment:0") == "x" * 1000  # still in the shared cache


def test_delete_drops_both_copies(kept):
    kept.set("route:1:c", "value", 60)
    kept.delete("route:1:c")
    assert kept.get("route:1:c") is None


def test_generations_never_come_round_again_after_the_cache_is_emptied():
    """App servers keep entries under generation numbers in their own memory, so a Redis
    restart (or flush) must not start counting from a number used before."""
    before = generation()
    new_generation()
    after = generation()
    assert after == before + 1
    cache.clear()
    assert generation() not in (before, after)
    assert generation() > after


def test_an_unreachable_cache_gives_a_generation_nothing_is_kept_under():
    with override_settings(CACHES=redis_cache_settings(UNREACHABLE_REDIS_URL)):
        first, second = generation(), generation()
    assert first != second
    assert str(first).startswith("unshared-")


def test_the_code_fingerprint_follows_code_and_templates(tmp_path):
    template = tmp_path / "courses" / "templates" / "module_page.html"
    template.parent.mkdir(parents=True)
    template.write_text("<h1>{{ page.title }}</h1>")
    first = code_fingerprint(tmp_path)
    assert code_fingerprint(tmp_path) == first
    template.write_text("<h1 class='title'>{{ page.title }}</h1>")
    assert code_fingerprint(tmp_path) != first


def test_each_release_reads_only_what_it_kept(settings):
    def kept_cache(release):
        config = {**settings.KEPT_CACHE, "KEY_PREFIX": f"kept-{release}"}
        return override_settings(CACHES={**settings.CACHES, "kept": config})

    with kept_cache("release-one"):
        caches["kept"].set("fragment:module_body:1:v1", "<p>rendered by release one</p>", 60)
        assert caches["kept"].get("fragment:module_body:1:v1")
    with kept_cache("release-two"):
        assert caches["kept"].get("fragment:module_body:1:v1") is None
    assert settings.RELEASE in settings.KEPT_CACHE["KEY_PREFIX"]


def test_anonymous_page_copies_are_kept_per_release(rf, settings):
    settings.RELEASE = "release-three"
    assert ":release-three:" in page_key(rf.get("/courses/"), 5)


def test_fragments_are_not_kept_while_debug_is_on(rf, settings, course):
    """Templates change under a running development server; a kept fragment would hide the
    edit until a restart."""
    request = rf.get(course.url)
    assert fragment_version(request, course)["seconds"] > 0
    settings.DEBUG = True
    assert fragment_version(request, course)["seconds"] == 0
    assert (
        fragment_version(request, course)["version"]
        != fragment_version(request, course)["version"]
    )
