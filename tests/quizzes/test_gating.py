"""Gating in course order: closed steps say why, link to what comes first, and never start a
clock or use an attempt (quizzes/gating.py)."""

from django.urls import reverse

import pytest

from courses.models import CoursePage
from quizzes.attempts import AttemptRefused, start_attempt
from quizzes.models import Attempt, CourseEvaluation
from tests.quizzes.conftest import (
    EVALUATION,
    pass_quiz,
    read_all,
    read_module,
    set_gating,
)


def test_strict_is_the_default(course):
    assert course.gating == CoursePage.STRICT


def test_module_quiz_opens_when_its_reading_is_complete(learner, joined, modules, quizzes):
    with pytest.raises(AttemptRefused, match="finished reading"):
        start_attempt(learner, quizzes[0])
    assert not Attempt.objects.exists()
    read_module(joined, modules[0])
    assert start_attempt(learner, quizzes[0]).number == 1
    with pytest.raises(AttemptRefused, match="finished reading"):
        start_attempt(learner, quizzes[1])  # each module's quiz waits for its own module


def test_closed_quiz_page_says_why_and_links_to_the_module(
    client, learner, joined, modules, quizzes
):
    client.force_login(learner)
    page = client.get(reverse("quizzes:detail", args=[quizzes[0].pk])).text
    assert "Not open yet" in page
    assert modules[0].url in page
    assert "Start quiz" not in page
    response = client.post(reverse("quizzes:start", args=[quizzes[0].pk]))
    assert response.status_code == 302
    assert not Attempt.objects.exists()  # no attempt used, no clock started


def test_final_exam_opens_after_every_module_and_quiz(learner, joined, modules, quizzes, exam):
    with pytest.raises(AttemptRefused, match="every module is read"):
        start_attempt(learner, exam)
    read_all(joined)
    for quiz in quizzes[:-1]:
        pass_quiz(learner, quiz)
    with pytest.raises(AttemptRefused, match="every module quiz is passed"):
        start_attempt(learner, exam)
    assert not Attempt.objects.filter(quiz=exam).exists()
    pass_quiz(learner, quizzes[-1])
    assert start_attempt(learner, exam).number == 1


def test_closed_final_exam_links_to_the_first_unfinished_step(
    client, learner, joined, modules, quizzes, exam
):
    read_module(joined, modules[0])
    pass_quiz(learner, quizzes[0])
    client.force_login(learner)
    page = client.get(reverse("quizzes:detail", args=[exam.pk])).text
    assert "Start final exam" not in page
    assert f'href="{modules[1].url}"' in page  # module 2 is the first step not done
    read_module(joined, modules[1])
    page = client.get(reverse("quizzes:detail", args=[exam.pk])).text
    assert f'href="{reverse("quizzes:detail", args=[quizzes[1].pk])}"' in page


def test_evaluation_opens_after_the_final_exam(client, learner, joined, quizzes, exam, course):
    client.force_login(learner)
    url = reverse("quizzes:evaluation", args=[course.pk])
    page = client.get(url)
    assert page.status_code == 200 and "after you pass the final exam" in page.text
    assert client.post(url, EVALUATION).status_code == 403
    assert not CourseEvaluation.objects.exists()
    read_all(joined)
    for quiz in quizzes:
        pass_quiz(learner, quiz)
    pass_quiz(learner, exam)
    client.post(url, EVALUATION)
    assert CourseEvaluation.objects.filter(enrollment=joined).exists()


def test_evaluation_without_final_exam_waits_for_the_modules(client, learner, joined, course):
    client.force_login(learner)
    url = reverse("quizzes:evaluation", args=[course.pk])
    assert "every module is complete" in client.get(url).text
    read_all(joined)
    assert client.post(url, EVALUATION).status_code == 302
    assert CourseEvaluation.objects.filter(enrollment=joined).exists()


def test_loosened_course_opens_module_quizzes_but_keeps_the_exam_order(
    learner, joined, course, quizzes, exam
):
    set_gating(course, CoursePage.MODULE_QUIZZES_OPEN)
    assert start_attempt(learner, quizzes[2]).number == 1
    with pytest.raises(AttemptRefused, match="final exam opens"):
        start_attempt(learner, exam)


def test_open_course_opens_every_step(client, learner, joined, course, quizzes, exam):
    set_gating(course, CoursePage.OPEN)
    assert start_attempt(learner, exam).number == 1
    client.force_login(learner)
    url = reverse("quizzes:evaluation", args=[course.pk])
    assert client.post(url, EVALUATION).status_code == 302


def test_module_page_says_when_its_quiz_opens(client, learner, joined, modules, quizzes):
    client.force_login(learner)
    quiz_url = reverse("quizzes:detail", args=[quizzes[0].pk])
    page = client.get(modules[0].url).text
    assert "opens when you have finished reading" in page
    assert f'<a class="button" href="{quiz_url}">' not in page
    assert "This is your next step." in page  # reading this module is the next step
    read_module(joined, modules[0])
    page = client.get(modules[0].url).text
    assert f'<a class="button" href="{quiz_url}">Take the quiz: {modules[0].title}</a>' in page


def test_course_page_shows_closed_steps_as_text(client, learner, joined, course, quizzes, exam):
    client.force_login(learner)
    page = client.get(course.url).text
    assert reverse("quizzes:detail", args=[exam.pk]) not in page
    assert (
        f'<li class="outline__step outline__step--locked">\n        <span>{exam.title}</span>'
        in page
    )
    assert reverse("quizzes:evaluation", args=[course.pk]) not in page
