from django.core.management import call_command

import pytest


@pytest.fixture
def demo_site(db):
    call_command("setup_demo")


def test_site_search_finds_the_ischemia_module(client, demo_site):
    response = client.get("/search/", {"q": "ischemia"})
    assert response.status_code == 200
    assert 'href="/courses/nmt-foundations/ischemia/"' in response.text


def test_search_without_results_says_what_to_do(client, demo_site):
    response = client.get("/search/", {"q": "zzzyyyxxx"})
    assert "No results" in response.text
    assert "browse the courses" in response.text


def test_overlong_search_is_refused_with_a_message(client, demo_site):
    response = client.get("/search/", {"q": "x" * 500})
    assert response.status_code == 400
    assert "shorten your search" in response.text


def test_admin_search_finds_modules(client, demo_site):
    from accounts.models import User

    client.force_login(User.objects.get(email="instructor@example.com"))
    response = client.get("/admin/pages/search/", {"q": "trigger points"})
    assert response.status_code == 200
    assert "Trigger Points" in response.text or "Trigger points" in response.text


@pytest.mark.parametrize(
    "query", ['"unterminated', '=HYPERLINK("http://x")', "NEAR(a b)", "col:value", "a*", "^x", "-"]
)
def test_search_operators_are_read_as_plain_words(client, catalog, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
