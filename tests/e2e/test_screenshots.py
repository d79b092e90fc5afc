"""Screenshots of the key pages for the README, taken from the real pages in the browser.

Every run takes them (so a page that breaks fails here too), into a temporary folder;
`make screenshots` (UPDATE_SCREENSHOTS=1) writes them to docs/img/, which the README shows.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

import pypdfium2
import pytest
from playwright.sync_api import expect

from accounts.models import User
from courses.enrollment import enroll
from quizzes.attempts import start_attempt, submit
from quizzes.models import Attempt, Quiz
from tests.e2e.conftest import assert_accessible
from tests.e2e.demo_activity import mark_read, seed_demo_activity
from tests.e2e.test_browse_and_edit import admin_login
from tests.e2e.test_certificate_journey import complete_demo_course, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

README_IMAGES = [
    "catalog.png",
    "module.png",
    "quiz-result.png",
    "dashboard.png",
    "certificate.png",
    "verify.png",
    "admin-report.png",
    "admin-funnel.png",
]


@pytest.fixture
def folder(tmp_path):
    if os.environ.get("UPDATE_SCREENSHOTS"):
        target = Path(settings.BASE_DIR) / "docs" / "img"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path


def shoot(page, folder, name):
    assert_accessible(page)
    page.screenshot(path=str(folder / name))


def test_screenshots_of_the_key_pages(page, demo_site, folder):
    base = demo_site.url
    page.set_viewport_size({"width": 1280, "height": 860})

    page.goto(base + "/courses/")
    expect(page.get_by_role("heading", level=1, name="Courses")).to_be_visible()
    shoot(page, folder, "catalog.png")

    page.goto(base + "/courses/nmt-foundations/ischemia/")
    figure = page.locator("figure.figure").first
    figure.scroll_into_view_if_needed()
    expect(figure.locator("img")).to_be_visible()
    shoot(page, folder, "module.png")

    # A failed try first, so the result page shows the review of wrong answers (after
    # reading the module: its quiz opens then).
    quiz = Quiz.objects.filter(module__slug="ischemia").first()
    learner = User.objects.get(email="learner@example.com")
    enrollment, _ = enroll(learner, quiz.module.get_parent().specific)
    mark_read(enrollment, quiz.module)
    attempt = start_attempt(learner, quiz)
    submit(attempt, {})
    assert Attempt.objects.get(pk=attempt.pk).passed is False
    certificate = complete_demo_course("learner@example.com")
    # A renewal target, so the dashboard shows the CE meter.
    User.objects.filter(pk=learner.pk).update(
        ce_hours_required=24, renewal_due_on=timezone.localdate() + timedelta(days=300)
    )

    log_in(page, base, "learner@example.com", "demo-learner-password")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    expect(page.get_by_role("img", name="CE hours this licence period")).to_be_visible()
    shoot(page, folder, "dashboard.png")

    page.goto(f"{base}/quizzes/attempts/{attempt.pk}/result/")
    expect(page.get_by_role("heading", name=re.compile("^Not passed"))).to_be_visible()
    shoot(page, folder, "quiz-result.png")

    pdf = page.request.get(f"{base}/certificates/{certificate.display_code}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf.body())
    document[0].render(scale=1.6).to_pil().save(folder / "certificate.png")

    page.goto(f"{base}/verify/{certificate.display_code}/")
    expect(page.get_by_text(certificate.learner_name).first).to_be_visible()
    shoot(page, folder, "verify.png")

    # Learners at every stage, so the reports' charts have something to show.
    assert seed_demo_activity() >= 12
    page.context.clear_cookies()
    admin_login(page, base, "admin@example.com", "demo-admin-password")
    final = Quiz.objects.get(course__isnull=False)
    page.goto(f"{base}/admin/reports/quizzes/{final.pk}/")
    expect(page.get_by_role("img", name="Attempts by score")).to_be_visible()
    page.get_by_role("heading", name="Summary").scroll_into_view_if_needed()
    shoot(page, folder, "admin-report.png")

    page.goto(f"{base}/admin/reports/courses/{final.course_id}/")
    expect(page.get_by_role("img", name="Completion funnel")).to_be_visible()
    shoot(page, folder, "admin-funnel.png")

    for name in README_IMAGES:
        assert (folder / name).stat().st_size > 10_000, name


def test_the_readme_shows_every_screenshot():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for name in README_IMAGES:
        assert f"docs/img/{name}" in readme, name
        assert (Path(settings.BASE_DIR) / "docs" / "img" / name).exists(), name
