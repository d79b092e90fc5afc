"""The API's documentation page works offline, under the site's Content Security Policy:
Swagger UI comes from our own static files, lists every operation and offers both ways to
send an API key (the `page` fixture fails the test on any policy violation)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OPERATIONS = [
    ("GET", "/api/v1/certificates/{code}"),
    ("POST", "/api/v1/certificates/verify"),
    ("POST", "/api/v1/credentials/verify"),
]


def test_the_api_docs_list_the_operations_under_the_csp(page, live_server):
    errors, elsewhere = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]

    expect(
        page.get_by_role("heading", name=re.compile("NMT CE certificate verification"))
    ).to_be_visible()
    for method, path in OPERATIONS:
        # Playwright passes the pattern to the browser between slashes: escape those too.
        name = rf"^{method}\s*{re.escape(path)}".replace("/", r"\/")
        operation = page.get_by_role("button", name=re.compile(name))
        expect(operation).to_be_visible()
    expect(page.get_by_text("Verify one certificate")).to_be_visible()

    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="Available authorizations")).to_be_visible()
    expect(page.get_by_role("heading", name="ApiKeyBearer (http, Bearer)")).to_be_visible()
    expect(page.get_by_role("heading", name="ApiKeyHeader (apiKey)")).to_be_visible()

    assert not errors, errors
    assert not elsewhere, f"requests left the site: {elsewhere}"
