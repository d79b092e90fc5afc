"""The public pages at a 360 px phone and a 1280 px desktop: nothing scrolls sideways, axe
finds nothing serious, and the main navigation is complete and usable with a thumb or a
keyboard on the phone (docs/design.md)."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from playwright.sync_api import expect

from accounts.models import User
from certificates.issuing import revoke_certificate
from quizzes.models import Attempt, Quiz
from tests.e2e.conftest import assert_accessible
from tests.e2e.demo_activity import seed_demo_activity
from tests.e2e.test_browse_and_edit import admin_login
from tests.e2e.test_certificate_journey import complete_demo_course, log_in
from tests.e2e.test_diagrams import media_on_disk  # noqa: F401 - the diagrams load

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE, DESKTOP = 360, 1280
TAP = 44  # px: the smallest navigation target on a phone (WCAG 2.5.8 asks for 24)


def assert_fits(page):
    """No horizontal scrolling: the document is no wider than the window."""
    scroll_width, window_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= window_width, f"{page.url}: {scroll_width}px wide in {window_width}px"


def check(page, url, heading):
    page.goto(url)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    assert_fits(page)
    assert_accessible(page)


def assert_navigation_usable(page, width):
    """Every item of the main navigation is shown (no menu to open), inside the screen,
    big enough to tap, not overlapping another, and reachable by keyboard with a visible
    focus ring."""
    nav = page.get_by_role("navigation", name="Main")
    items = nav.get_by_role("link").all() + nav.get_by_role("button").all()
    assert len(items) >= 5
    boxes = []
    for item in items:
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, item.text_content()
        assert box["height"] >= TAP and box["width"] >= TAP, item.text_content()
        boxes.append(box)
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            apart = (
                one["x"] + one["width"] <= other["x"]
                or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"]
                or other["y"] + other["height"] <= one["y"]
            )
            assert apart, "navigation items overlap"

    # Keyboard: skip link, brand, then the first navigation link, with a visible ring.
    page.locator("body").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return {text: el.textContent.trim(), outline: style.outlineStyle,
                    width: parseFloat(style.outlineWidth)};
        }"""
    )
    assert focused["text"] == "Courses"
    assert focused["outline"] != "none" and focused["width"] >= 2


# media_on_disk before demo_site, so the demo's diagrams are written where the server reads.
@pytest.mark.usefixtures("media_on_disk")
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_key_pages_fit_the_screen_and_pass_axe(page, demo_site, width):
    certificate = complete_demo_course("learner@example.com")
    base = demo_site.url
    page.set_viewport_size({"width": width, "height": 800})

    check(page, base + "/courses/", "Courses")
    if width == PHONE:
        assert_navigation_usable(page, width)
    check(page, base + "/courses/nmt-foundations/ischemia/", "Ischemia")
    figure = page.locator("main figure.figure img")
    figure.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=figure.element_handle()
    )
    # The diagram uses the content width: all of a phone's, up to 960 px on a desktop.
    shown = figure.bounding_box()["width"]
    assert shown <= min(width, 960)
    assert shown >= (width - 2 if width == PHONE else 900)

    check(page, base + "/verify/", "Verify a certificate")
    check(page, base + "/verify/?code=not-a-code", "Verify a certificate")
    expect(page.get_by_text("That is not a verification code")).to_be_visible()
    check(page, base + "/verify/ABCD-EFGH-JKMN-PQRS/", "No certificate found")
    check(page, f"{base}/verify/{certificate.display_code}/", re.compile("^Certificate"))
    expect(page.get_by_text("Valid.")).to_be_visible()

    admin = User.objects.get(email="admin@example.com")
    revoke_certificate(certificate, admin, "Issued to the wrong learner")
    check(page, f"{base}/verify/{certificate.display_code}/", re.compile("^Certificate"))
    expect(page.get_by_text("Reason: Issued to the wrong learner")).to_be_visible()

    # The CE meter against a renewal target, with its table of numbers opened.
    User.objects.filter(email="learner@example.com").update(
        ce_hours_required=24, renewal_due_on=timezone.localdate() + timedelta(days=300)
    )
    log_in(page, base, "learner@example.com", "demo-learner-password")
    expect(page.get_by_role("heading", level=1, name="Your dashboard")).to_be_visible()
    page.wait_for_load_state("load")
    meter = page.get_by_role("img", name="CE hours this licence period")
    expect(meter).to_be_visible()
    assert meter.bounding_box()["width"] <= width
    assert_fits(page)
    assert_accessible(page)
    if width == PHONE:
        assert_navigation_usable(page, width)
        # The navigation works at this size: a tap on it reaches the page.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Principles").click()
        expect(page.get_by_role("heading", level=1, name="Principles of NMT")).to_be_visible()
        assert_fits(page)

    # The meter's numbers as a table, opened.
    page.goto(base + "/dashboard/")
    page.get_by_text("Show the numbers as a table").click()
    expect(page.get_by_role("table", name="CE hours this licence period")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_admin_report_charts_pass_axe(page, demo_site, width):
    """The quiz and course reports with their charts, and their tables opened."""
    seed_demo_activity()
    base = demo_site.url
    page.set_viewport_size({"width": width, "height": 800})
    admin_login(page, base, "admin@example.com", "demo-admin-password")
    final = Quiz.objects.get(course__isnull=False)

    page.goto(f"{base}/admin/reports/quizzes/{final.pk}/")
    for name in ("Attempts by score", "Facility index by question"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    expect(page.get_by_role("img", name="Discrimination index by question")).to_be_attached()
    page.get_by_text("Show the numbers as a table").click()
    expect(page.get_by_role("table", name="Attempts by score")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}/admin/reports/courses/{final.course_id}/")
    expect(page.get_by_role("img", name="Completion funnel")).to_be_visible()
    page.get_by_text("Show the numbers as a table").click()
    expect(page.get_by_role("table", name="Completion funnel")).to_be_visible()
    assert_accessible(page)


@pytest.mark.usefixtures("media_on_disk")
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_other_public_pages_fit_the_screen_and_pass_axe(page, demo_site, width):
    """The pages the journeys visit at one width, here at both: course, principles, search,
    the account forms, the profile with its renewal fields, a quiz, its result and 404."""
    certificate = complete_demo_course("learner@example.com")
    course = certificate.enrollment.course
    base = demo_site.url
    page.set_viewport_size({"width": width, "height": 800})

    check(page, base + course.url, course.title)
    check(page, base + "/courses/principles/", "Principles of NMT")
    check(page, base + "/search/?q=ischemia", "Search")
    check(page, base + "/accounts/login/", "Log in")
    check(page, base + "/accounts/signup/", "Create your account")
    check(page, base + "/accounts/password-reset/", "Reset your password")
    check(page, base + "/no-such-page/", "Page not found")

    log_in(page, base, "learner@example.com", "demo-learner-password")
    expect(page.get_by_role("heading", level=1, name="Your dashboard")).to_be_visible()
    check(page, base + "/accounts/profile/", "Your profile")
    exam = Quiz.objects.filter(course=course).first()
    check(page, base + reverse("quizzes:detail", args=[exam.pk]), exam.title)
    attempt = Attempt.objects.filter(quiz=exam, user__email="learner@example.com").first()
    check(page, base + reverse("quizzes:result", args=[attempt.pk]), f"{exam.title}: result")
