"""Kept routes (cms/routing.py): after a page answers 200, the next request for its path loads
the one page by id instead of walking the tree, and still gives the answer Wagtail's own
routing would: restrictions apply, an unpublished or moved page is not served at its old
path, sub-routes work, and paths that do not answer 200 are never kept."""

import re

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction, Site

import pytest

from cms.models import ProviderSettings
from courses.enrollment import enroll
from courses.models import ModulePage


@pytest.fixture(autouse=True)
def settled_site(settings, course):
    """Every request renders, so routing is what is measured (the page cache is tested in
    test_page_cache.py); the site's settings row exists, as after its first visit (creating
    it counts as a change and starts a new generation)."""
    settings.PAGE_CACHE_SECONDS = 0
    ProviderSettings.for_site(Site.objects.get(is_default_site=True))
    cache.clear()


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).first()


def route_keys():
    return [key for key in cache._cache if ":route:" in key]  # locmem keeps its keys


def without_csrf_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)


def queries_for(client, url, method="get", **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    return response, [q["sql"] for q in queries]


def test_a_second_request_loads_only_the_page_and_no_ancestors(client, module):
    first, first_sql = queries_for(client, module.url)
    second, second_sql = queries_for(client, module.url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    page_queries = [sql for sql in second_sql if '"wagtailcore_page"' in sql]
    assert len(page_queries) == 1, page_queries  # the module, by id
    assert not any("wagtailcore_pageviewrestriction" in sql for sql in second_sql)
    assert not any('"wagtailcore_site"' in sql for sql in second_sql)
    assert len(second_sql) < len(first_sql) - 4


def test_a_page_moved_without_notice_is_not_served_at_its_old_path(client, course, module):
    """The kept route is checked against the page's URL path, so even a change that started
    no new generation (a raw update) cannot make the old path serve the page."""
    old_url = module.url
    assert client.get(old_url).status_code == 200
    ModulePage.objects.filter(pk=module.pk).update(
        slug="renamed", url_path=module.url_path.replace(module.slug, "renamed")
    )
    assert client.get(old_url).status_code == 404
    assert client.get(course.url + "renamed/").status_code == 200


def test_an_unpublished_page_is_not_served_from_a_kept_route(client, module):
    assert client.get(module.url).status_code == 200
    Page.objects.filter(pk=module.pk).update(live=False)  # no signal, no new generation
    assert client.get(module.url).status_code == 404


def test_a_restriction_added_later_applies_to_the_kept_route(client, course, module):
    assert client.get(module.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Insiders"))
    response = client.get(module.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_restricted_page_stays_restricted_on_every_request(client, course, module, learner):
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(learner)
    enroll(learner, course)
    for _ in range(2):
        assert client.get(module.url).status_code == 200
    assert route_keys()
    anonymous = Client()
    for _ in range(2):
        response = anonymous.get(module.url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_sub_routes_of_a_page_are_kept_and_still_work(client, course, learner):
    client.force_login(learner)
    enroll(learner, course)
    url = course.get_parent().url + "principles/"  # a RoutablePageMixin route of the catalog
    first, first_sql = queries_for(client, url)
    second, second_sql = queries_for(client, url)
    assert first.status_code == second.status_code == 200
    assert without_csrf_token(second) == without_csrf_token(first)
    assert not any('"wagtailcore_site"' in sql for sql in second_sql)
    assert len(second_sql) <= len(first_sql) - 4  # site, root, restrictions and ancestors


def test_paths_that_do_not_answer_200_are_not_kept(client, course):
    for path in ("no-such-page/", "courses/no-such-course/", course.url + "nope/"):
        assert client.get(path if path.startswith("/") else "/" + path).status_code == 404
    assert client.get(course.get_parent().url + "principles/no-such-principle/").status_code == 404
    assert route_keys() == []


def test_publishing_starts_new_routes(client, course, module):
    client.get(module.url)
    kept = set(route_keys())
    assert kept
    module.title = "A new title"
    module.save_revision().publish()
    assert "A new title" in client.get(module.url).text
    assert set(route_keys()) - kept  # a new generation's entry


def test_pages_loaded_elsewhere_ask_wagtail_for_their_restrictions(course, module):
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    fresh = ModulePage.objects.get(pk=module.pk)
    assert [r.page_id for r in fresh.get_view_restrictions()] == [course.pk]
