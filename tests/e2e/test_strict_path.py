"""The strict path from enrollment to certificate, in the browser: every step opens only when
the one before it is done (quizzes.gating), the final exam's review shows the score and the
objectives to revisit but never its keyed answers, and an administrator's accommodation gives
a learner who used the exam's only attempt another one."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from certificates.models import Certificate
from courses.models import CoursePage, ModulePage
from quizzes.models import Accommodation, Attempt, Choice, Question, Quiz
from tests.conftest import build_course
from tests.e2e.conftest import answer_all, assert_accessible, is_csp_violation, submit_evaluation
from tests.e2e.test_browse_and_edit import admin_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEARNER = "robin@example.com"
PASSWORD = "correct-horse-battery"
OBJECTIVES = [
    "Explain why sustained ischemic compression is released after 10 to 30 seconds.",
    "Name the tissue that entraps a nerve in an entrapment.",
]


def add_questions(quiz, prompts, objectives=None):
    """Single-choice questions with a right and a wrong choice, in a fixed order."""
    for n, prompt in enumerate(prompts):
        question = Question.objects.create(
            quiz=quiz,
            sort_order=n,
            kind="single",
            prompt=prompt,
            explanation=f"Why: {prompt}",
            section=f"section-{n + 1}",
            objective=objectives[n] if objectives else "",
        )
        Choice.objects.create(question=question, sort_order=0, text="Right", is_correct=True)
        Choice.objects.create(question=question, sort_order=1, text="Wrong", is_correct=False)


def strict_course(catalog):
    """Two modules with a two-question quiz each, a two-question final exam with one attempt,
    the evaluation required and the course order kept (the default, asserted)."""
    course = build_course(catalog, modules=2, title="Strict Path", evaluation_required=True)
    assert course.gating == CoursePage.STRICT and course.require_seat_time
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    for module in modules:
        quiz = Quiz.objects.create(
            title=f"{module.title} quiz",
            module=module,
            shuffle_questions=False,
            shuffle_choices=False,
            retry_delay_minutes=0,
        )
        add_questions(
            quiz, [f"{module.title}: first question?", f"{module.title}: second question?"]
        )
    exam = Quiz.objects.create(
        title="Strict Path final exam",
        course=course,
        max_attempts=1,
        retry_delay_minutes=0,
        shuffle_questions=False,
        shuffle_choices=False,
        review_after_submit=Quiz.REVIEW_SCORE,
        explanations_after_pass=True,
    )
    add_questions(
        exam,
        [
            "Ischemic compression is usually held for how long?",
            "Entrapment is pressure on a nerve by which tissue?",
        ],
        OBJECTIVES,
    )
    return course, modules, exam


def read(page, base, module):
    """Read a module until its (scaled) seat time is met, then mark it complete."""
    page.goto(base + module.url)
    expect(page.get_by_role("heading", level=1, name=module.title)).to_be_visible()
    expect(page.get_by_text("You have met the reading time for this module.")).to_be_visible(
        timeout=20_000
    )
    page.get_by_role("button", name="Mark module complete").click()
    expect(page.get_by_text(f"“{module.title}” is complete.")).to_be_visible()


def pass_module_quiz(page, base, module):
    page.goto(base + module.url)
    page.get_by_role("link", name=f"Take the quiz: {module.title}").click()
    expect(page.get_by_role("heading", level=1, name=f"{module.title} quiz")).to_be_visible()
    page.get_by_role("button", name="Start quiz").click()
    answer_all(page, "Right")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Passed: 100%")).to_be_visible()


def test_strict_path_from_enrollment_to_certificate(page, browser, live_server, catalog, settings):
    # Seat time stays on, on a scaled clock: 5 estimated minutes become 3 seconds, credited
    # by the reading page's heartbeats every second.
    settings.SEAT_TIME_SCALE = 0.01
    settings.SEAT_TIME_HEARTBEAT_SECONDS = 1
    course, (first, second), exam = strict_course(catalog)
    UserFactory(email=LEARNER, legal_name="Robin Lee")
    UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    learner = User.objects.get(email=LEARNER)
    base = live_server.url
    exam_url = f"{base}/quizzes/{exam.pk}/"

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(LEARNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(base + course.url)
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_role("heading", level=1, name=first.title)).to_be_visible()

    # The final exam, visited early: not open, says why, points to the first step, starts
    # nothing.
    page.goto(exam_url)
    expect(page.get_by_role("heading", level=1, name=exam.title)).to_be_visible()
    expect(page.get_by_text("Not open yet.")).to_be_visible()
    reason = "The final exam opens when every module is read and every module quiz is passed."
    expect(page.get_by_text(reason)).to_be_visible()
    expect(page.get_by_role("button", name="Start final exam")).to_have_count(0)
    first_step = page.get_by_role("link", name=f"First: {first.title}")
    expect(first_step).to_have_attribute("href", first.url)
    assert_accessible(page)
    assert not Attempt.objects.filter(user=learner).exists()

    # Module by module: read it, then pass its quiz.
    first_step.click()
    expect(page.get_by_role("heading", level=1, name=first.title)).to_be_visible()
    read(page, base, first)
    pass_module_quiz(page, base, first)
    assert_accessible(page)
    page.goto(exam_url)
    expect(page.get_by_role("link", name=f"First: {second.title}")).to_be_visible()
    read(page, base, second)
    pass_module_quiz(page, base, second)

    # The final exam is open now; a wrong answer to each question, on its only attempt.
    page.goto(base + course.url)
    page.get_by_role("link", name="Go to the final exam").click()
    expect(page.get_by_role("heading", level=1, name=exam.title)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start final exam").click()
    answer_all(page, "Wrong")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Not passed: 0%")).to_be_visible()
    expect(page.get_by_text("Attempts left: 0.")).to_be_visible()
    expect(page.get_by_text("(correct answer)")).to_have_count(0)
    # Score review: neither the questions nor their choices are shown, only the objectives.
    expect(page.get_by_text("Ischemic compression is usually held")).to_have_count(0)
    expect(page.get_by_role("heading", name="Objectives to revisit")).to_be_visible()
    for objective in OBJECTIVES:
        expect(page.get_by_role("listitem").filter(has_text=objective)).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    assert_accessible(page)
    page.goto(exam_url)
    expect(page.get_by_role("button", name="Start final exam")).to_have_count(0)

    # An administrator, in a browser of their own, grants one extra attempt with a reason.
    admin_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    admin_page = admin_context.new_page()
    admin_page.set_default_timeout(15_000)
    violations = []
    admin_page.on(
        "console",
        lambda message: violations.append(message.text) if is_csp_violation(message) else None,
    )
    try:
        admin_login(admin_page, base, "boss@example.com", PASSWORD)
        admin_page.goto(base + "/admin/accommodations/new/")
        # Wagtail's panels are labelled by their headings too: ask for the fields by role.
        form = admin_page.get_by_role("main")
        form.get_by_role("textbox", name=re.compile("^Learner's email address")).fill(LEARNER)
        form.get_by_role("combobox", name=re.compile("^Quiz")).select_option(label=exam.title)
        form.get_by_role("spinbutton", name=re.compile("^Extra attempts")).fill("1")
        form.get_by_role("textbox", name=re.compile("^Reason")).fill(
            "The exam was interrupted by a power cut."
        )
        assert_accessible(admin_page)
        admin_page.get_by_role("button", name="Create").click()
        expect(admin_page.get_by_text(re.compile("created", re.I)).first).to_be_visible()
        assert_accessible(admin_page)
    finally:
        admin_context.close()
    assert not violations, violations
    grant = Accommodation.objects.get(user=learner, quiz=exam)
    assert grant.extra_attempts == 1 and grant.granted_by.email == "boss@example.com"

    # The learner reloads the exam page: the grant is listed and the exam can start again.
    page.reload()
    expect(page.get_by_role("heading", name="Accommodations")).to_be_visible()
    expect(page.get_by_text("1 extra attempt")).to_be_visible()
    expect(page.get_by_text("1 (1 left)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start final exam").click()
    answer_all(page, "Right")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Passed: 100%")).to_be_visible()
    expect(page.get_by_role("heading", name="Objectives to revisit")).to_have_count(0)
    assert_accessible(page)

    # The evaluation, now open, completes the course.
    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="Evaluate the course").click()
    assert_accessible(page)
    submit_evaluation(page)
    expect(page.get_by_text("Course complete")).to_be_visible()
    assert_accessible(page)

    # The certificate, from the dashboard.
    certificate = Certificate.objects.get(user=learner, course=course)
    page.get_by_role("link", name="Dashboard").click()
    download_link = page.get_by_role(
        "link", name=f"Download certificate for {certificate.course_title} (PDF)"
    )
    expect(download_link).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == f"certificate-{certificate.display_code}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    attempts = Attempt.objects.filter(user=learner, quiz=exam).order_by("number")
    assert [(a.number, a.passed) for a in attempts] == [(1, False), (2, True)]
