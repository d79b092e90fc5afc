import pytest
from playwright.sync_api import expect

from courses.models import ModulePage
from quizzes.models import Choice, Question, Quiz
from tests.conftest import build_course
from tests.e2e.conftest import answer_all, assert_accessible, submit_evaluation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def small_course(catalog):
    course = build_course(catalog, modules=1, title="Quiz Practice", require_seat_time=False)
    module = ModulePage.objects.child_of(course).get()
    quiz = Quiz.objects.create(
        title="Practice quiz",
        module=module,
        shuffle_questions=False,
        shuffle_choices=False,
        review_after_submit=Quiz.REVIEW_MARKS,
        retry_delay_minutes=0,
    )
    for n, (prompt, explanation) in enumerate(
        [
            ("Entrapment is pressure on a nerve by which tissue?", "Soft tissue entraps."),
            ("Ischemic compression is usually held for how long?", "About 10 to 30 seconds."),
        ]
    ):
        question = Question.objects.create(
            quiz=quiz, sort_order=n, kind="single", prompt=prompt, explanation=explanation
        )
        Choice.objects.create(question=question, sort_order=0, text="Right", is_correct=True)
        Choice.objects.create(question=question, sort_order=1, text="Wrong", is_correct=False)
    return course, module


def test_learner_fails_retries_passes_evaluates_and_completes(page, live_server, catalog):
    course, module = small_course(catalog)
    UserFactory(email="quinn@example.com", legal_name="Quinn Park")
    base = live_server.url

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("quinn@example.com")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(base + course.url)
    page.get_by_role("button", name="Enroll").click()
    page.get_by_role("button", name="Mark module complete").click()

    page.goto(base + module.url)
    page.get_by_role("link", name=f"Take the quiz: {module.title}").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start quiz").click()
    assert_accessible(page)
    answer_all(page, "Wrong")
    expect(page.get_by_text("Answers saved.")).to_be_visible()  # saved in the background
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_role("heading", name="Not passed: 0%")).to_be_visible()
    expect(page.get_by_text("not right").first).to_be_visible()
    expect(page.get_by_text("(correct answer)")).to_have_count(0)
    expect(page.get_by_text("Soft tissue entraps.")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Try again").click()
    answer_all(page, "Right")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Passed: 100%")).to_be_visible()
    expect(page.get_by_text("Soft tissue entraps.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="evaluate the course").click()
    assert_accessible(page)
    submit_evaluation(page)
    expect(page.get_by_text("Course complete")).to_be_visible()

    page.get_by_role("link", name="Dashboard").click()
    completed = page.get_by_role("region", name="Completed courses")
    expect(completed.get_by_role("link", name="Quiz Practice")).to_be_visible()
    assert_accessible(page)
