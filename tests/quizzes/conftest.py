from django.utils import timezone

import pytest

from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view
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
