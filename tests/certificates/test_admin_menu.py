"""The certificate screens are in the admin menu for superusers only (one table of items,
certificates/wagtail_hooks.py)."""

import pytest

LABELS = ["Certificates", "Association API keys", "Verification log", "CE Broker roster"]
URLS = [
    "/admin/certificates/",
    "/admin/certificates/api-keys/",
    "/admin/certificates/audit-log/",
    "/admin/certificates/roster/",
]


def menu_of(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_superuser_sees_every_certificate_screen(client, admin_user):
    client.force_login(admin_user)
    page = menu_of(client)
    for label, url in zip(LABELS, URLS, strict=True):
        assert label in page, label
        assert url in page, url


@pytest.mark.parametrize("who", ["instructor", "reviewer"])
def test_other_admin_users_see_none(client, db, request, who):
    # `db` by name: the user comes from getfixturevalue, which pytest-django cannot see, and
    # would otherwise order the test after the transactional ones that empty the database.
    client.force_login(request.getfixturevalue(who))
    page = menu_of(client)
    for url in URLS:
        assert url not in page, url
