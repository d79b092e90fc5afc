import re

import pytest
from playwright.sync_api import expect

from courses.models import ModulePage
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_newcomer_goes_from_home_to_a_module(page, demo_site):
    page.goto(demo_site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Browse courses").click()
    expect(page.get_by_role("heading", level=1, name="Courses")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Neuromuscular Therapy Foundations", exact=True).click()
    expect(page.get_by_role("heading", name="Course facts")).to_be_visible()
    expect(page.get_by_text("1 CE", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ischemia", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Ischemia")).to_be_visible()
    expect(page.get_by_role("complementary").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Next: ")).click()
    expect(page.get_by_role("heading", level=1, name="Joint Fixation")).to_be_visible()

    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search courses and modules").fill("trigger points")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Trigger Points")).to_be_visible()
    assert_accessible(page)


def admin_login(page, base_url, email, password):
    page.goto(base_url + "/admin/login/")
    page.get_by_label(re.compile("Email", re.I)).fill(email)
    page.get_by_label(re.compile("Password", re.I)).fill(password)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/admin/login/"))  # the sign-in went through
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def admin_logout(page):
    """Forget the session, once the page before has finished loading: a request of that page
    still in flight (an image, say) could otherwise answer after the next sign-in page was
    shown and set the CSRF cookie of the old session again, so the sign-in would be refused."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()


def test_instructor_edit_is_approved_and_published(page, demo_site):
    module = ModulePage.objects.get(slug="trigger-points")
    new_summary = "Trigger points, reviewed: what they are and how NMT treats them."

    admin_login(page, demo_site.url, "instructor@example.com", "demo-instructor-password")
    page.goto(f"{demo_site.url}/admin/pages/{module.id}/edit/")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Summary")).fill(new_summary)
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=re.compile("Submit to Course review")).click()
    expect(page.get_by_text("has been submitted for moderation")).to_be_visible()
    assert_accessible(page)

    page.goto(demo_site.url + module.url)
    expect(page.get_by_text(new_summary)).to_have_count(0)

    admin_logout(page)
    admin_login(page, demo_site.url, "admin@example.com", "demo-admin-password")
    page.goto(f"{demo_site.url}/admin/pages/{module.id}/edit/")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{module.get_parent().id}/$"))
    assert_accessible(page)

    page.goto(demo_site.url + module.url)
    expect(page.get_by_text(new_summary)).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/courses/", "/courses/nmt-foundations/"])
def test_public_pages_fit_a_phone_screen(page, demo_site, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(demo_site.url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} scrolls sideways on a phone ({width}px)"
    assert_accessible(page)
