from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from courses.models import ModulePage, Principle
from tests.conftest import build_course


def test_catalog_lists_published_courses(client, course):
    response = client.get("/courses/")
    assert response.status_code == 200
    assert course.title in response.text
    assert "<dd>1 CE</dd>" in response.text  # one hour: "CE", not "CEs"


def test_course_page_shows_ce_facts_and_modules(client, course):
    response = client.get(course.url)
    text = response.text
    assert response.status_code == 200
    assert course.approved_title in text
    assert "<dt>CE hours</dt><dd>1 CE</dd>" in text
    assert "Home Study" in text
    for module in ModulePage.objects.child_of(course):
        assert module.title in text
    assert text.count("<h1") == 1


def test_module_page_has_body_callout_principles_and_navigation(client, course):
    first, second, third = ModulePage.objects.child_of(course).order_by("path")
    text = client.get(second.url).text
    assert "Contraindication" in text
    assert f'href="{first.url}"' in text and 'rel="prev"' in text
    assert f'href="{third.url}"' in text and 'rel="next"' in text
    principle = second.principles.get()
    assert f"/courses/principles/{principle.slug}/" in text
    assert text.count("<h1") == 1
    assert '<main id="main"' in text and "<nav" in text and "<footer" in text


def test_unpublished_modules_are_not_shown(client, course):
    module = ModulePage.objects.child_of(course).first()
    module.unpublish()
    assert module.title not in client.get(course.url).text
    assert client.get(module.url_path.replace("/home", "")).status_code == 404


def test_browse_modules_by_principle(client, course):
    module = ModulePage.objects.child_of(course).first()
    principle = module.principles.get()
    response = client.get(f"/courses/principles/{principle.slug}/")
    assert response.status_code == 200
    assert module.title in response.text
    listing = client.get("/courses/principles/")
    assert all(p.name in listing.text for p in Principle.objects.all())


def test_unknown_principle_is_404(client, catalog):
    assert client.get("/courses/principles/qi-flow/").status_code == 404


def _queries(client, url):
    for _ in range(2):  # warm caches (site root paths, content types, module navigation;
        client.get(url)  # a fresh site's first view creates its settings row)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


# Rendering budgets (the page cache off), including Wagtail's routing (one query per path
# segment). Cached copies for anonymous visitors take none: tests/cms/test_page_cache.py.
@pytest.mark.parametrize(("page", "budget"), [("catalog", 11), ("course", 14), ("module", 12)])
def test_query_count_does_not_grow_with_modules(client, catalog, page, budget, settings):
    settings.PAGE_CACHE_SECONDS = 0
    small = build_course(catalog, modules=3, title="Small")
    large = build_course(catalog, modules=30, title="Large")

    def url(course):
        if page == "catalog":
            return "/courses/"
        if page == "course":
            return course.url
        return ModulePage.objects.child_of(course).order_by("path")[1].url

    with_small = _queries(client, url(small))
    build_course(catalog, modules=30, title="Extra")  # the catalog grows too
    with_large = _queries(client, url(large))
    assert with_small == with_large
    assert with_large <= budget
