"""Pages with personal data are `Cache-Control: private, no-store` (issue 18, defect 7)."""

from django.utils.cache import get_max_age

import pytest

PERSONAL_PAGES = [
    "/dashboard/",
    "/accounts/profile/",
    "/dashboard/transcript.csv",
    "/dashboard/transcript.pdf",
    "/accounts/profile/delete/",
]


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("url", PERSONAL_PAGES)
def test_personal_pages_are_private_and_not_stored(client, learner, home, url):
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)
    assert "public" not in cache_control(response)
    assert not get_max_age(response)


def test_a_signed_in_view_of_a_public_page_is_private_too(client, learner, home):
    client.force_login(learner)
    response = client.get(home.url)
    assert {"private", "no-store"} <= cache_control(response)


def test_anonymous_pages_stay_cacheable(client, home):
    response = client.get(home.url)
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
