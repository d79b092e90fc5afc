"""Issue 16's forms and pages on a 360 x 740 phone: the dashboard's certificate table as
cards with every action on screen, and the time zone filled in from the browser."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import assert_accessible, is_csp_violation
from tests.e2e.test_certificate_journey import complete_demo_course, log_in
from tests.e2e.test_design import assert_fits

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTH, HEIGHT = 360, 740
BROWSER_ZONE = "America/New_York"


@pytest.fixture
def phone(browser):
    """A phone-sized page whose browser says it is in New York; like conftest's `page`, a
    Content Security Policy refusal fails the test."""
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        timezone_id=BROWSER_ZONE,
        reduced_motion="reduce",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if is_csp_violation(m) else None)
    yield page
    context.close()
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


def assert_on_screen(locator):
    """Visible and within the screen's width as the page is laid out: not scrolled into view
    sideways (a table that scrolls inside itself would pass that way)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (locator, box)


def test_dashboard_certificates_stack_with_every_action_on_screen(phone, demo_site):
    certificate = complete_demo_course("learner@example.com")
    log_in(phone, demo_site.url, "learner@example.com", "demo-learner-password")
    expect(phone.get_by_role("heading", level=1, name="Your dashboard")).to_be_visible()

    download = phone.get_by_role("link", name=re.compile("^Download certificate for"))
    assert_on_screen(download)
    table = phone.get_by_role("table", name="Your certificates")
    links = table.get_by_role("link").all()
    assert len(links) >= 2  # the download and the verification page, at least
    for link in links:
        assert_on_screen(link)
    assert table.get_by_role("link", name=re.compile("^Verif")).count() >= 1
    # One card a row: the row is no wider than the screen and holds its cells one above
    # another.
    row = table.locator("tbody tr").first
    assert row.bounding_box()["width"] <= WIDTH
    cells = row.locator("td").all()
    tops = [cell.bounding_box()["y"] for cell in cells]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    expect(table.get_by_text(certificate.course_title)).to_be_visible()
    assert_fits(phone)
    assert_accessible(phone)

    with phone.expect_download() as pdf:
        download.click()
    assert pdf.value.suggested_filename == f"certificate-{certificate.display_code}.pdf"


def test_profile_time_zone_starts_at_the_browsers_zone(phone, demo_site):
    log_in(phone, demo_site.url, "learner@example.com", "demo-learner-password")
    expect(phone.get_by_role("heading", level=1, name="Your dashboard")).to_be_visible()
    phone.goto(demo_site.url + "/accounts/profile/")
    zone = phone.get_by_label("Time zone")
    expect(zone).to_have_value(BROWSER_ZONE)
    expect(phone.get_by_text("Filled in from your browser's time zone.")).to_be_visible()
    assert_on_screen(zone)
    assert_fits(phone)
    assert_accessible(phone)
    phone.get_by_role("button", name="Save profile").click()
    expect(phone.get_by_text("Your profile has been saved.")).to_be_visible()
    assert User.objects.get(email="learner@example.com").time_zone == BROWSER_ZONE

    # A zone the learner chose is kept, not replaced by the browser's.
    zone.select_option("Europe/London")
    phone.get_by_role("button", name="Save profile").click()
    expect(phone.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(phone.get_by_label("Time zone")).to_have_value("Europe/London")
    expect(phone.get_by_text("Filled in from your browser's time zone.")).to_have_count(0)


def test_signup_time_zone_starts_at_the_browsers_zone(phone, demo_site):
    phone.goto(demo_site.url + "/accounts/signup/")
    expect(phone.get_by_label("Time zone")).to_have_value(BROWSER_ZONE)
    assert_fits(phone)
    assert_accessible(phone)
    phone.get_by_label("Email").fill("new.learner@example.com")
    phone.get_by_label("Legal name").fill("Robin New")
    phone.get_by_label("Password", exact=True).fill("kneading-knots-2026")
    phone.get_by_label("Password again").fill("kneading-knots-2026")
    phone.get_by_role("button", name="Sign up").click()
    expect(phone.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    assert_fits(phone)
    assert User.objects.get(email="new.learner@example.com").time_zone == BROWSER_ZONE
