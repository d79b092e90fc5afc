from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from courses.enrollment import enroll
from courses.models import CoursePage, Enrollment
from courses.progress import record_view
from quizzes.attempts import start_attempt, submit
from quizzes.completion import (
    course_status,
    course_statuses,
    learner_records,
    record_completion_if_complete,
    repair_completions,
)
from quizzes.models import Attempt, CourseCompletion, CourseEvaluation
from quizzes.signals import course_completed
from tests.concurrency import needs_postgresql, race
from tests.factories import ModulePageFactory, UserFactory
from tests.quizzes.conftest import (
    EVALUATION,
    make_quiz,
    pass_quiz,
    read_all,
    read_module,
    right_answers,
    set_gating,
    wrong_answers,
)


@pytest.fixture
def announcements():
    received = []

    def listener(sender, completion, enrollment, **kwargs):
        received.append(completion.pk)

    course_completed.connect(listener)
    yield received
    course_completed.disconnect(listener)


def test_course_completes_when_every_requirement_is_met(
    client, learner, enrollment, course, module, announcements
):
    quiz = make_quiz(module=module)
    exam = make_quiz(course=course, title="Final exam")
    read_all(enrollment)
    assert not course_status(enrollment).complete  # quiz not passed yet
    pass_quiz(learner, quiz)
    pass_quiz(learner, exam)
    status = course_status(enrollment)
    assert status.modules_complete == 3 and status.final_exam_passed
    assert not status.complete and not CourseCompletion.objects.exists()  # evaluation due

    client.force_login(learner)
    page = client.get(course.url).text
    evaluation_url = reverse("quizzes:evaluation", args=[course.pk])
    assert f'<a class="button" href="{evaluation_url}">Evaluate the course</a>' in page
    response = client.post(reverse("quizzes:evaluation", args=[course.pk]), EVALUATION)
    assert response.status_code == 302
    completion = CourseCompletion.objects.get()
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at == completion.completed_at
    assert announcements == [completion.pk]
    assert "Course complete" in client.get(course.url).text
    assert "Completed courses" in client.get("/dashboard/").text
    assert course.title in client.get("/dashboard/").text.split("Completed courses")[1]


def test_completion_is_recorded_and_announced_once(learner, enrollment, course, announcements):
    course.evaluation_required = False
    course.save()
    read_all(enrollment)
    first = record_completion_if_complete(enrollment)
    again = record_completion_if_complete(enrollment)
    assert first.pk == again.pk
    assert CourseCompletion.objects.count() == 1
    assert announcements == [first.pk]


def test_a_module_quiz_that_is_not_passed_blocks_completion(learner, enrollment, course, module):
    course.evaluation_required = False
    course.save()
    make_quiz(module=module)
    read_all(enrollment)
    assert record_completion_if_complete(enrollment) is None
    status = course_status(enrollment)
    assert status.modules_complete == 2


def test_repair_records_missed_completions(learner, enrollment, course):
    course.evaluation_required = False
    course.save()
    read_all(enrollment)  # updates bypass the signal, like a crash between steps
    assert not CourseCompletion.objects.exists()
    assert repair_completions() == 1
    assert repair_completions() == 0
    assert CourseCompletion.objects.count() == 1


def test_evaluation_once_and_validated(client, learner, enrollment, course):
    read_all(enrollment)  # the evaluation opens when every module is complete
    client.force_login(learner)
    url = reverse("quizzes:evaluation", args=[course.pk])
    response = client.post(url, {**EVALUATION, "objectives_met": 9})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not CourseEvaluation.objects.exists()
    client.post(url, EVALUATION)
    client.post(url, {**EVALUATION, "comments": "Second thoughts"})
    assert CourseEvaluation.objects.get().comments == "Clear and practical."


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("", "This field is required."),
        ("4", "greater than or equal to 5"),
        ("6001", "less than or equal to 6000"),
        ("about an hour", "Enter a whole number."),
    ],
)
def test_evaluation_asks_how_long_the_course_took(
    client, learner, enrollment, course, minutes, message
):
    read_all(enrollment)
    client.force_login(learner)
    url = reverse("quizzes:evaluation", args=[course.pk])
    assert "About how many minutes did the whole course take you?" in client.get(url).text
    response = client.post(url, {**EVALUATION, "minutes_taken": minutes})
    assert response.status_code == 400
    assert message in response.text
    assert not CourseEvaluation.objects.exists()
    client.post(url, EVALUATION)
    assert CourseEvaluation.objects.get().minutes_taken == 70


def test_evaluation_needs_an_enrollment(client, course):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("quizzes:evaluation", args=[course.pk])).status_code == 404


def test_module_page_links_to_its_quiz(client, learner, enrollment, module):
    quiz = make_quiz(module=module)
    client.force_login(learner)
    text = client.get(module.url).text
    assert reverse("quizzes:detail", args=[quiz.pk]) in text
    assert "Pass the quiz" in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_submissions_give_one_score(learner, course, module):
    needs_postgresql()
    from courses.enrollment import enroll

    read_module(enroll(learner, course)[0], module)
    quiz = make_quiz(module=module)
    attempt = start_attempt(learner, quiz)
    answers = right_answers(attempt)
    results, errors = race(50, lambda: submit(Attempt.objects.get(pk=attempt.pk), answers))
    assert not errors
    assert {(r.score, r.submitted_at) for r in results} == {
        (Attempt.objects.get(pk=attempt.pk).score, Attempt.objects.get(pk=attempt.pk).submitted_at)
    }
    assert Attempt.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_20_concurrent_starts_never_pass_the_attempt_limit(learner, course, module):
    needs_postgresql()
    from courses.enrollment import enroll
    from quizzes.attempts import AttemptRefused

    read_module(enroll(learner, course)[0], module)
    quiz = make_quiz(module=module, max_attempts=2)
    first = start_attempt(learner, quiz)
    submit(first, {})

    def start_and_fail():
        try:
            attempt = start_attempt(learner, quiz)
        except AttemptRefused:
            return None
        submit(attempt, {})
        return attempt.pk

    race(20, start_and_fail)
    assert Attempt.objects.filter(quiz=quiz, user=learner).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_completions_give_one_completion(learner, course, announcements):
    needs_postgresql()
    from courses.enrollment import enroll

    course.evaluation_required = False
    course.save()
    enrollment, _ = enroll(learner, course)
    read_all(enrollment)
    results, errors = race(
        50, lambda: record_completion_if_complete(Enrollment.objects.get(pk=enrollment.pk))
    )
    assert not errors
    assert CourseCompletion.objects.count() == 1
    assert len({r.pk for r in results}) == 1
    assert len(announcements) == 1


def test_repair_command(learner, enrollment, course, capsys):
    from django.core.management import call_command

    course.evaluation_required = False
    course.save()
    read_all(enrollment)
    call_command("repair_completions")
    assert "Completions recorded: 1." in capsys.readouterr().out
    assert CourseCompletion.objects.count() == 1


def test_a_course_status_reads_the_course_content_once_per_generation(
    learner, enrollment, course, module, django_assert_num_queries
):
    """The modules, quizzes and step addresses are the same for every learner: kept under the
    content generation, so later statuses read only the learner's own rows (progress, passed
    attempts, evaluation: one query), and publishing a module is seen at once."""
    make_quiz(module=module)
    first = course_status(enrollment)
    enrollment.course = course
    with django_assert_num_queries(1):  # the learner's records, in one query
        status = course_statuses([enrollment])[enrollment.id]
    assert [m.module.id for m in status.modules] == [m.module.id for m in first.modules]
    assert status.steps(course)[0].url == module.url
    assert status.steps(course)[1].url == reverse("quizzes:detail", args=[module.quiz.pk])

    added = ModulePageFactory(parent=course, title="A module published later")
    added.save_revision().publish()
    status = course_statuses([enrollment])[enrollment.id]
    assert added.id in [m.module.id for m in status.modules]
    assert status.steps(course)[-2].url == added.url


def test_a_course_not_complete_any_more_keeps_its_completion(learner, enrollment, course):
    """A module published after completion makes the course incomplete for new checks; the
    completion already earned stays, and a check records nothing new."""
    course.evaluation_required = False
    course.save()
    read_all(enrollment)
    completion = record_completion_if_complete(enrollment)
    added = ModulePageFactory(parent=course, title="A module published after completion")
    added.save_revision().publish()

    assert record_completion_if_complete(enrollment) is None
    assert list(CourseCompletion.objects.filter(enrollment=enrollment)) == [completion]


def test_the_result_page_of_a_passed_quiz_reads_the_learner_standing_once(
    client, learner, enrollment, module
):
    """The completion check and the outline share one read of the learner's standing."""
    quiz = make_quiz(module=module)
    read_module(enrollment, module)
    attempt = pass_quiz(learner, quiz)
    client.force_login(learner)
    url = reverse("quizzes:result", args=[attempt.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    standing = [q for q in queries if "quizzes_courseevaluation" in q["sql"]]
    assert len(standing) == 1
    assert not [q for q in queries if "quizzes_coursecompletion" in q["sql"]]  # not complete


def test_learner_records_are_what_each_enrollment_has_done(learner, enrollment, course, modules):
    """Modules marked read, quizzes passed (not failed, not in progress) and evaluations,
    each under its own enrollment; a module only viewed is not read."""
    set_gating(course, CoursePage.OPEN)  # quizzes of unread modules open too
    first, second, third = modules
    passed_quiz, failed_quiz, open_quiz = (make_quiz(module=m) for m in modules)
    read_module(enrollment, second)
    record_view(enrollment, third)  # viewed, not finished
    pass_quiz(learner, passed_quiz)
    failing = start_attempt(learner, failed_quiz)
    submit(failing, wrong_answers(failing))
    start_attempt(learner, open_quiz)  # started, not submitted
    other = enroll(UserFactory(), course)[0]
    read_module(other, third)
    CourseEvaluation.objects.create(enrollment=other, **EVALUATION)

    read, passed, evaluated = learner_records([enrollment, other])
    assert read == {(enrollment.id, first.id), (enrollment.id, second.id), (other.id, third.id)}
    assert passed == {(enrollment.id, passed_quiz.id)}
    assert evaluated == {other.id}
    assert learner_records([]) == (set(), set(), set())
