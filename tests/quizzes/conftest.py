from django.utils import timezone

import pytest

from courses.enrollment import enroll
from courses.models import CoursePage, ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.attempts import start_attempt, submit
from quizzes.models import Choice, Question, Quiz


def make_quiz(questions=4, prompt="Question {n}?", **settings):
    """A quiz with `questions` single-choice questions (choice "Right" is correct) and one
    multiple-select question, unless questions=0."""
    quiz = Quiz.objects.create(**{"title": "Quiz", "shuffle_questions": False, **settings})
    for n in range(questions):
        question = Question.objects.create(
            quiz=quiz,
            sort_order=n,
            kind="single",
            prompt=prompt.format(n=n),
            explanation=f"Because {n}.",
        )
        Choice.objects.create(question=question, sort_order=0, text="Right", is_correct=True)
        Choice.objects.create(question=question, sort_order=1, text="Wrong", is_correct=False)
    return quiz


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).order_by("path").first()


def read_module(enrollment, module):
    """The learner has read the module to the end: its reading is complete."""
    progress = record_view(enrollment, module)
    ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())


def read_all(enrollment):
    for module in ModulePage.objects.child_of(enrollment.course):
        read_module(enrollment, module)


@pytest.fixture
def enrollment(learner, course, module):
    """The learner's enrollment, with the first module read, so that its quiz is open: the
    tests here are about attempts; tests/quizzes/test_gating.py covers closed steps."""
    enrollment = enroll(learner, course)[0]
    read_module(enrollment, module)
    return enrollment


@pytest.fixture
def quiz(module):
    return make_quiz(module=module, max_attempts=2)


def right_answers(attempt):
    return {
        q["id"]: [c["id"] for c in q["choices"] if c["correct"]]
        for q in attempt.snapshot["questions"]
    }


def wrong_answers(attempt):
    return {
        q["id"]: [next(c["id"] for c in q["choices"] if not c["correct"])]
        for q in attempt.snapshot["questions"]
    }


# A course walked step by step: three modules with a quiz each, a final exam, a fresh learner.
EVALUATION = {
    "objectives_met": 5,
    "instructor_knowledge": 4,
    "relevance": 5,
    "hours_fair": 4,
    "minutes_taken": 70,
    "comments": "Clear and practical.",
}


@pytest.fixture
def modules(course):
    return list(ModulePage.objects.child_of(course).order_by("path"))


@pytest.fixture
def quizzes(modules):
    return [make_quiz(module=m, questions=2, title=f"Quiz {n}") for n, m in enumerate(modules)]


@pytest.fixture
def exam(course):
    return make_quiz(course=course, questions=2, title="Final exam")


@pytest.fixture
def joined(learner, course):
    """A fresh enrollment: nothing read yet."""
    return enroll(learner, course)[0]


def set_gating(course, gating):
    CoursePage.objects.filter(pk=course.pk).update(gating=gating)
    course.refresh_from_db()


def pass_quiz(learner, quiz):
    attempt = start_attempt(learner, quiz)
    return submit(attempt, right_answers(attempt))
