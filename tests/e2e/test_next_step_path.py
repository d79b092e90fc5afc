"""The learner's path on a phone: from enrollment to the certificate using only the primary
button each page offers ("Your next step"), the one action a page itself asks for (mark the
module read, start and submit a quiz, send the evaluation), at 360 px, with axe clean on every
new page state."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import answer_all, assert_accessible, submit_evaluation
from tests.e2e.test_strict_path import LEARNER, PASSWORD, strict_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def follow_next(page):
    """Click the page's primary next-step button; return its text."""
    button = page.locator(".next-step a.button, .enrol-box a.button").first
    text = button.inner_text()
    button.click()
    return text


def test_the_primary_button_leads_from_enrollment_to_the_certificate(
    page, live_server, catalog, settings
):
    settings.SEAT_TIME_SCALE = 0.01  # 5 estimated minutes become 3 seconds
    settings.SEAT_TIME_HEARTBEAT_SECONDS = 1
    course, modules, exam = strict_course(catalog)
    UserFactory(email=LEARNER, legal_name="Robin Lee")
    page.set_viewport_size({"width": 360, "height": 740})
    base = live_server.url

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(LEARNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(base + course.url)
    page.get_by_role("button", name="Enroll").click()  # enrolling opens the first module

    taken = []
    for module in modules:
        expect(page.get_by_role("heading", level=1, name=module.title)).to_be_visible()
        expect(page.get_by_text(f"Module {modules.index(module) + 1} of 2")).to_be_visible()
        expect(page.get_by_text("You have met the reading time for this module.")).to_be_visible(
            timeout=20_000
        )
        assert_accessible(page)
        page.get_by_role("button", name="Mark module complete").click()
        # Marking the module read leads to its quiz, not to the next module.
        expect(page.get_by_role("heading", level=1, name=f"{module.title} quiz")).to_be_visible()
        expect(page.get_by_text("This is your next step.")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Start quiz").click()
        answer_all(page, "Right")
        page.get_by_role("button", name="Submit answers").click()
        expect(page.get_by_role("heading", name="Passed: 100%")).to_be_visible()
        assert_accessible(page)
        taken.append(follow_next(page))

    assert taken == [f"Read: {modules[1].title}", "Go to the final exam"]
    expect(page.get_by_role("heading", level=1, name=exam.title)).to_be_visible()
    page.get_by_role("button", name="Start final exam").click()
    answer_all(page, "Right")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Passed: 100%")).to_be_visible()
    assert follow_next(page) == "Evaluate the course"
    assert_accessible(page)
    submit_evaluation(page)

    # The course page says the certificate is ready, with both links, on the phone screen.
    expect(page.get_by_role("heading", name="Your certificate is ready")).to_be_visible()
    download = page.get_by_role("link", name="Download certificate (PDF)")
    verify = page.get_by_role("link", name="Verify it")
    for link in (download, verify):
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    with page.expect_download() as pdf:
        download.click()
    with open(pdf.value.path(), "rb") as data:
        assert data.read(5) == b"%PDF-"
