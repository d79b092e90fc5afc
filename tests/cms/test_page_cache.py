"""Anonymous visitors get public pages from the cache, without a database query; publishing
(or changing what pages show) drops every kept copy at once."""

from unittest import mock

from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from cms import page_cache
from cms.page_cache import AnonymousPageCacheMiddleware, storable
from courses.models import Instructor, ModulePage


def fetch(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


@pytest.fixture
def warm(client, course):
    """The course page fetched until a copy is kept (the first view of a fresh site may
    create its settings row, which counts as a change)."""
    for _ in range(3):
        client.get(course.url)
    return course


def test_a_kept_copy_is_served_without_any_query(client, warm):
    response, queries = fetch(client, warm.url)
    assert response["X-Page-Cache"] == "hit"
    assert queries == 0
    assert warm.title in response.text


@pytest.mark.parametrize("kind", ["catalog", "module", "principles"])
def test_other_public_pages_are_kept_too(client, course, kind):
    url = {
        "catalog": course.get_parent().url,
        "module": ModulePage.objects.child_of(course).first().url,
        "principles": course.get_parent().url + "principles/",
    }[kind]
    for _ in range(3):
        client.get(url)
    response, queries = fetch(client, url)
    assert response["X-Page-Cache"] == "hit" and queries == 0


def test_publishing_drops_the_kept_copies(client, warm):
    warm.summary = "A freshly published summary."
    warm.save_revision().publish()
    response, queries = fetch(client, warm.url)
    assert "A freshly published summary." in response.text
    assert response["X-Page-Cache"] == "miss" and queries > 0


def test_a_draft_does_not_change_what_visitors_see(client, warm):
    warm.summary = "An unpublished draft."
    warm.save_revision()
    response, _ = fetch(client, warm.url)
    assert "An unpublished draft." not in response.text


def test_unpublishing_drops_the_kept_copies(client, warm):
    warm.unpublish()
    assert client.get(warm.url).status_code == 404


def test_changing_a_snippet_pages_show_drops_the_kept_copies(client, warm):
    Instructor.objects.create(name="Dr New Instructor")
    response, _ = fetch(client, warm.url)
    assert response["X-Page-Cache"] == "miss"


def test_signed_in_visitors_are_never_served_or_stored(client, warm, learner):
    client.force_login(learner)
    response, queries = fetch(client, warm.url)
    assert "X-Page-Cache" not in response and queries > 0
    assert "Log out" in response.text
    anonymous = Client()
    assert "Log out" not in anonymous.get(warm.url).text


def test_restricted_pages_are_never_kept(client, course):
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="secret-word"
    )
    for _ in range(3):
        response = client.get(course.url)
        assert "X-Page-Cache" not in response or response["X-Page-Cache"] != "hit"


def test_restricting_a_page_drops_its_kept_copies(client, warm):
    """A privacy setting is no publish, yet visitors must not keep reading the kept copy."""
    PageViewRestriction.objects.create(page=warm, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(warm.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_answers_that_set_a_csrf_cookie_are_never_kept(course):
    request = RequestFactory().get(course.url)
    request.page_cache_page = course
    request.META["CSRF_COOKIE_USED"] = True

    class Response:
        status_code = 200
        streaming = False
        cookies = {}

        def get(self, name, default=""):
            return default

    assert not storable(request, Response())
    request.META.pop("CSRF_COOKIE_USED")
    assert storable(request, Response())


def test_a_module_body_is_rendered_once_per_published_version(client, course, learner):
    from courses.enrollment import enroll

    module = ModulePage.objects.child_of(course).first()
    enroll(learner, course)
    client.force_login(learner)
    first = client.get(module.url).text
    assert module.title in first
    module.body = [("text", "<p>A corrected paragraph about ischemic compression.</p>")]
    module.save_revision()  # a draft: readers still see the published body
    assert "A corrected paragraph" not in client.get(module.url).text
    module.save_revision().publish()
    assert "A corrected paragraph" in client.get(module.url).text


@pytest.mark.parametrize(
    "url", ["/healthz", "/verify/", "/api/v1/certificates/X", "/quizzes/1/", "/no-such.txt"]
)
def test_addresses_that_are_never_pages_pay_no_cache_round_trip(rf, course, url):
    """Only addresses that Wagtail's page view answers can be kept pages, so no other request
    asks the cache (docs/benchmarks.md: those round trips were most of a bare request's cost)."""
    middleware = AnonymousPageCacheMiddleware(lambda request: HttpResponse("ok"))
    page_cache.generation()  # read within the last second, as on a busy server
    with mock.patch.object(page_cache, "cache", wraps=page_cache.cache) as shared:
        middleware(rf.get(url))
        assert shared.method_calls == []
        middleware(rf.get(course.url))
        # A page this process keeps no copy of: one round trip for the shared copy.
        assert [call[0] for call in shared.method_calls] == ["get"]


def test_a_kept_page_is_served_from_the_process_without_a_round_trip(client, course, settled_site):
    """Each process keeps the copies it serves in its own memory, and trusts the generation it
    read within the last second: a kept page costs no round trip to the shared cache."""
    assert client.get(course.url)["X-Page-Cache"] == "miss"
    with mock.patch.object(page_cache, "cache", wraps=page_cache.cache) as shared:
        response = client.get(course.url)
    assert response["X-Page-Cache"] == "hit"
    assert shared.method_calls == []
    page_cache.caches[page_cache.LOCAL_COPIES].clear()  # another process: the shared copy
    assert client.get(course.url)["X-Page-Cache"] == "hit"


def test_a_path_is_resolved_once_to_tell_whether_it_is_a_page(rf, course, settings):
    """is_page_address remembers each path's answer (resolving a page's path tries every
    other URL pattern first); a test that changes ROOT_URLCONF starts afresh."""
    page_cache.resolves_to_a_page.cache_clear()
    with mock.patch.object(page_cache, "resolve", wraps=page_cache.resolve) as resolve:
        assert page_cache.is_page_address(rf.get(course.url))
        assert page_cache.is_page_address(rf.get(course.url))
        assert not page_cache.is_page_address(rf.get("/api/v1/certificates/X"))
        assert resolve.call_count == 2
        settings.ROOT_URLCONF = "bench.urls"
        assert page_cache.resolves_to_a_page.cache_info().currsize == 0
