"""The anonymous page cache keys on the query parameters a page uses (issue 18, defect 4):
tracking parameters share the page's copy, a parameter the page declares gets a copy of its
own, and any other parameter is answered but never kept."""

import secrets

from django.core.cache import cache
from django.test import RequestFactory

import pytest

from cms.page_cache import page_key, query_params
from courses.models import CoursePage
from tests.services import clear_caches


@pytest.fixture
def stored_keys(monkeypatch):
    """Every page-cache key the middleware stores a copy under."""
    keys = []
    original = cache.set

    def recording_set(key, value, *args, **kwargs):
        if str(key).startswith("pagecache:"):
            keys.append(key)
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return keys


@pytest.fixture
def settled(client, course):
    """The course page fetched until the site's first-view changes are over."""
    for _ in range(3):
        client.get(course.url)
    clear_caches()
    return course


def test_500_random_tracking_values_make_one_entry(client, settled, stored_keys):
    for n in range(500):
        response = client.get(f"{settled.url}?utm_source={secrets.token_hex(8)}&fbclid={n}")
        assert response.status_code == 200
    assert len(set(stored_keys)) == 1
    assert client.get(settled.url)["X-Page-Cache"] == "hit"  # the plain URL shares it


def test_a_parameter_the_page_declares_is_kept_separately(
    client, settled, stored_keys, monkeypatch
):
    monkeypatch.setattr(CoursePage, "cache_query_params", ("page",), raising=False)
    client.get(settled.url)
    client.get(settled.url + "?page=2")
    client.get(settled.url + "?page=2&utm_campaign=spring")
    assert len(set(stored_keys)) == 2
    assert client.get(settled.url + "?page=2")["X-Page-Cache"] == "hit"
    assert client.get(settled.url)["X-Page-Cache"] == "hit"


def test_an_unknown_parameter_is_answered_but_not_kept(client, settled, stored_keys):
    for _ in range(3):
        response = client.get(settled.url + "?foo=1")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    assert stored_keys == []


def test_an_undeclared_parameter_is_not_kept_even_with_a_declared_one(
    client, settled, stored_keys, monkeypatch
):
    monkeypatch.setattr(CoursePage, "cache_query_params", ("page",), raising=False)
    client.get(settled.url + "?page=2&foo=1")
    assert stored_keys == []


def test_the_key_ignores_tracking_parameters_and_their_order():
    rf = RequestFactory()
    a = rf.get("/courses/?page=2&utm_source=x&sort=new&gclid=1&mc_cid=2&mc_eid=3&ref=hn")
    b = rf.get("/courses/?sort=new&page=2")
    assert query_params(a) == [("page", "2"), ("sort", "new")]
    assert page_key(a) == page_key(b)
    assert page_key(rf.get("/courses/")) != page_key(rf.get("/courses/?page=2"))
