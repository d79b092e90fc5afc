"""The `kept` cache (cms/kept.py): values under keys that never change meaning, held in a
standard local-memory cache alias in each process; and the generation numbers those keys carry."""

from django.core.cache import cache, caches
from django.test import override_settings

import pytest

from cms.kept import keep, kept_value
from cms.kept import kept as keep_or_compute
from cms.page_cache import forget_generation, generation, new_generation, page_key
from cms.release import code_fingerprint
from courses.models import ModulePage
from tests.services import UNREACHABLE_REDIS_URL, redis_cache_settings


@pytest.fixture
def kept():
    kept = caches["kept"]
    kept.clear()
    caches["kept-shared"].clear()
    yield kept
    kept.clear()
    caches["kept-shared"].clear()


def test_the_kept_alias_is_a_standard_django_cache_in_the_process():
    from django.core.cache.backends.locmem import LocMemCache

    assert isinstance(caches["kept"], LocMemCache)
    assert isinstance(caches["local"], LocMemCache)


def test_a_kept_value_is_computed_once(kept):
    calls = []

    def compute():
        calls.append(1)
        return {"related": ["a"]}

    assert keep_or_compute("navigation:1:v1", compute) == {"related": ["a"]}
    assert keep_or_compute("navigation:1:v1", compute) == {"related": ["a"]}
    assert len(calls) == 1


def test_a_value_another_server_kept_is_read_from_the_shared_level_then_held_here(kept):
    caches["kept-shared"].set("route:1:b", {"from": "another server"}, 60)
    assert kept_value("route:1:b") == {"from": "another server"}
    caches["kept-shared"].delete("route:1:b")
    assert kept_value("route:1:b") == {"from": "another server"}  # now in this process


def test_a_kept_value_is_written_to_both_levels(kept):
    keep("navigation:2:v1", ["a"])
    assert caches["kept-shared"].get("navigation:2:v1") == ["a"]
    assert caches["kept"].get("navigation:2:v1") == ["a"]


def test_a_kept_none_is_not_computed_again(kept):
    calls = []
    assert keep_or_compute("site:1:nowhere", lambda: calls.append(1)) is None
    assert keep_or_compute("site:1:nowhere", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_callers_get_copies_so_no_request_changes_what_the_next_one_reads(kept):
    kept.set("navigation:1", {"related": ["a"]}, 60)
    first = kept.get("navigation:1")
    first["related"].append("changed by a request")
    assert kept.get("navigation:1") == {"related": ["a"]}


@pytest.mark.django_db
def test_generations_never_come_round_again_after_the_cache_is_emptied():
    """App servers keep entries under generation numbers in their own memory, so a Redis
    restart (or flush) must not start counting from a number used before."""
    before = generation()
    new_generation()
    after = generation()
    assert after > before
    cache.clear()
    forget_generation()  # as every app server does within GENERATION_RECHECK_SECONDS
    assert generation() not in (before, after)
    assert generation() > after


@pytest.mark.django_db
def test_a_change_moves_the_generation_again_when_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    """A request that read the rows before the change committed may have kept them under the
    number the change moved to; the commit moves past it."""
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        new_generation()
        during = generation()
        assert during == before + 1
    assert generation() == during + 1


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
    assert ":release-three:" in page_key(rf.get("/courses/"))


def test_fragments_are_not_kept_while_debug_is_on(rf, settings, course):
    """Templates change under a running development server; a kept fragment would hide the
    edit until a restart."""
    module = ModulePage.objects.child_of(course).first()
    request = rf.get(module.url)
    settings.DEBUG = False
    assert module.fragment_keys(request)["fragment_seconds"] > 0
    settings.DEBUG = True
    assert module.fragment_keys(request)["fragment_seconds"] == 0


def test_a_new_generation_gives_fragments_new_keys(rf, settings, course):
    module = ModulePage.objects.child_of(course).first()
    before = module.fragment_keys(rf.get(module.url))["fragment_key"]
    new_generation()
    assert module.fragment_keys(rf.get(module.url))["fragment_key"] != before
    assert module.cache_key in before  # Wagtail's key for this version of the page


@pytest.mark.django_db
def test_the_generation_is_read_again_after_a_second_and_at_once_after_a_change_here(
    settings, monkeypatch
):
    """Each process reads the shared generation at most once per GENERATION_RECHECK_SECONDS,
    so a change made by another app server shows within that time, and one made by this
    process at once."""
    from unittest import mock

    from cms import page_cache

    clock = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock[0])
    first = generation()
    with mock.patch.object(page_cache, "cache", wraps=page_cache.cache) as shared:
        assert generation() == generation() == first
        assert shared.get.call_count == 0
        page_cache.cache.incr(page_cache.GENERATION_KEY)  # another app server's publish
        clock[0] += 0.9
        assert generation() == first
        clock[0] += 0.2
        assert generation() == first + 1
        assert shared.get.call_count == 1
        new_generation()  # a change made here
        assert generation() == first + 2
        settings.GENERATION_RECHECK_SECONDS = 0
        reads = shared.get.call_count
        generation(), generation()
        assert shared.get.call_count == reads + 2
