import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from certificates.models import Certificate
from courses.enrollment import enroll
from courses.models import CoursePage, ModulePage
from quizzes.attempts import start_attempt, submit
from quizzes.completion import record_completion_if_complete
from quizzes.models import CourseEvaluation, Quiz
from tests.e2e.conftest import assert_accessible
from tests.e2e.demo_activity import all_right, mark_read

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def complete_demo_course(email):
    """Do in the database what the learner journey tests do in the browser, in the course
    order (quizzes.gating): read each module and pass its quiz, then the final exam."""
    user = User.objects.get(email=email)
    course = CoursePage.objects.get(slug="nmt-foundations")
    enrollment, _ = enroll(user, course)
    modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
    module_quizzes = {q.module_id: q for q in Quiz.objects.filter(module__in=modules)}

    def pass_quiz(quiz):
        attempt = start_attempt(user, quiz)
        submit(attempt, all_right(attempt))

    for module in modules:
        mark_read(enrollment, module)
        if module.id in module_quizzes:
            pass_quiz(module_quizzes[module.id])
    pass_quiz(Quiz.objects.get(course=course))
    CourseEvaluation.objects.create(
        enrollment=enrollment,
        objectives_met=5,
        instructor_knowledge=5,
        relevance=5,
        hours_fair=4,
    )
    record_completion_if_complete(enrollment)
    return Certificate.objects.get(enrollment=enrollment)


def log_in(page, base, email, password, path="/accounts/login/"):
    page.goto(base + path)
    page.get_by_label(re.compile("Email", re.I)).fill(email)
    page.get_by_label(re.compile("Password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("Log in|Sign in", re.I)).click()


def test_download_verify_and_revoke(page, demo_site):
    certificate = complete_demo_course("learner@example.com")
    base = demo_site.url

    log_in(page, base, "learner@example.com", "demo-learner-password")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download certificate for")).click()
    assert download.value.suggested_filename == f"certificate-{certificate.display_code}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.context.clear_cookies()

    # An association checks the code it was given.
    page.goto(base + "/verify/")
    assert_accessible(page)
    page.get_by_label("Verification code").fill(certificate.display_code.lower())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Valid.")).to_be_visible()
    expect(page.get_by_text("Lee Learner")).to_be_visible()
    assert_accessible(page)

    # An administrator revokes it.
    log_in(page, base, "admin@example.com", "demo-admin-password", "/admin/login/")
    page.goto(base + "/admin/certificates/")
    page.get_by_role("link", name=certificate.display_code).click()
    page.get_by_label("Reason for revoking").fill("Completed under another learner's account")
    page.get_by_role("button", name="Revoke certificate").click()
    expect(page.get_by_text(f"Certificate {certificate.display_code} is revoked.")).to_be_visible()
    assert_accessible(page)

    page.goto(base + f"/verify/{certificate.display_code}/")
    expect(page.get_by_text("Revoked", exact=False).first).to_be_visible()
    expect(page.get_by_text("Completed under another learner's account")).to_be_visible()
    assert_accessible(page)
