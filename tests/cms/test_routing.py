"""Kept routes (cms/routing.py): after a page answers 200, the next request for its path loads
the one page by id instead of walking the tree, and still gives the answer Wagtail's own
routing would: restrictions apply, an unpublished, expired, renamed or moved page is not
served at its old path, sub-routes work, and paths that do not answer 200 are never kept."""

import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

import pytest

from courses.enrollment import enroll
from courses.models import ModulePage
from tests.conftest import build_course


@pytest.fixture(autouse=True)
def rendered(settings, course, settled_site):
    """Every request renders, so routing is what is measured (the page cache is tested in
    test_page_cache.py)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).first()


KEPT_ROUTES = []


@pytest.fixture(autouse=True)
def kept_routes(monkeypatch):
    """Records the routes kept (every key set in the `kept` alias that starts with route:)."""
    store = caches["kept"]
    original = store.set

    def recording_set(key, value, *args, **kwargs):
        if key.startswith("route:"):
            KEPT_ROUTES.append(key)
        return original(key, value, *args, **kwargs)

    KEPT_ROUTES.clear()
    monkeypatch.setattr(store, "set", recording_set)
    yield
    KEPT_ROUTES.clear()


def route_keys():
    return list(KEPT_ROUTES)


def without_csrf_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)


def queries_for(client, url, method="get", **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    return response, [q["sql"] for q in queries]


def test_a_second_request_loads_no_page_site_or_restriction(client, module):
    first, first_sql = queries_for(client, module.url)
    second, second_sql = queries_for(client, module.url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert not any('"wagtailcore_page"' in sql for sql in second_sql)  # the page is kept
    assert not any("wagtailcore_pageviewrestriction" in sql for sql in second_sql)
    assert not any('"wagtailcore_site"' in sql for sql in second_sql)
    assert len(second_sql) < len(first_sql) - 4


def test_a_renamed_page_is_served_at_its_new_path_only(client, course, module):
    old_url = module.url
    assert client.get(old_url).status_code == 200
    module.slug = "renamed"
    module.save_revision().publish()
    assert client.get(old_url).status_code == 404
    assert client.get(course.url + "renamed/").status_code == 200


def test_a_moved_page_is_served_at_its_new_path_only(client, catalog, course, module):
    other = build_course(catalog, modules=1, title="Other course")
    old_url = module.url
    assert client.get(old_url).status_code == 200
    module.move(other, pos="last-child")
    new_url = other.url + module.slug + "/"
    old = client.get(old_url)  # Wagtail's automatic redirect to where the page went
    assert old.status_code == 301 and old["Location"] == new_url
    assert client.get(new_url).status_code == 200


def test_an_unpublished_page_is_not_served_from_a_kept_route(client, module):
    assert client.get(module.url).status_code == 200
    module.unpublish()
    assert client.get(module.url).status_code == 404


def test_a_page_that_expires_is_not_served_from_a_kept_route(client, module):
    assert client.get(module.url).status_code == 200
    Page.objects.filter(pk=module.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled")  # Wagtail's scheduled publishing and expiry
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
    # Our templates print page URLs without Wagtail's Site query (cms/templatetags/cms_urls.py).
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


def wagtail_answer(path, user=None):
    """What Wagtail's own page view answers for this path (status and title), for comparing."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404
    from django.test import RequestFactory

    from wagtail.views import serve as wagtail_serve

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.session = {}
    try:
        response = wagtail_serve(request, path.lstrip("/"))
    except Http404:
        return 404
    return response.status_code


def test_an_alias_is_served_at_its_own_path_and_follows_its_original(
    client, catalog, course, module
):
    other = build_course(catalog, modules=1, title="Other course")
    alias = module.create_alias(parent=other, update_slug="alias-of-module")
    alias_url = other.url + "alias-of-module/"
    for _ in range(2):  # the second from the kept route
        response = client.get(alias_url)
        assert response.status_code == 200
        assert module.title in response.text
    assert any(key.endswith(alias_url.lstrip("/")) or alias_url in key for key in route_keys())
    assert client.get(module.url).status_code == 200  # the original still at its own path
    module.title = "A title the alias follows"
    module.save_revision().publish()
    assert "A title the alias follows" in client.get(alias_url).text
    alias.refresh_from_db()
    assert alias.alias_of_id == module.pk


def test_a_second_locale_changes_nothing_at_the_site_paths(client, course, module, settings):
    """With a second Locale and a translated course (i18n is off in the settings, so
    translations are separate trees the site does not serve), every path answers as
    Wagtail's own view answers it, on the first request and from the kept route."""
    from wagtail.models import Locale

    french = Locale.objects.create(language_code="fr")
    translated = course.copy_for_translation(french, copy_parents=True)
    translated.save_revision().publish()
    paths = [course.url, module.url, translated.url or "/fr-course-not-served/"]
    for path in paths:
        expected = wagtail_answer(path)
        for _ in range(2):
            assert client.get(path).status_code == expected, path
    assert client.get(module.url).status_code == 200


def test_our_url_tags_print_what_wagtails_print(rf, course, module):
    """`{% page_url %}` and `{% subpage_url %}` (no Site query) give the same URLs as
    Wagtail's `{% pageurl %}` and `{% routablepageurl %}`."""
    from django.template import Context, Template

    catalog = course.get_parent().specific
    request = rf.get("/")
    ours = Template(
        "{% load cms_urls %}{% page_url module %}|{% subpage_url catalog 'principles' %}|"
        "{% subpage_url module 'heartbeat' %}"
    )
    wagtails = Template(
        "{% load wagtailcore_tags wagtailroutablepage_tags %}{% pageurl module %}|"
        "{% routablepageurl catalog 'principles' %}|{% routablepageurl module 'heartbeat' %}"
    )
    context = {"module": module.specific, "catalog": catalog, "request": request}
    assert ours.render(Context(context)) == wagtails.render(Context(context))
