"""The pass mark is a floor: a score exactly on it passes, one hundredth below it fails.

Attempts are started and submitted through quizzes.attempts, with real quizzes whose
percentages land exactly where each test needs them. An integer pass mark less 0.01 needs
fine-grained partial credit: the "just below" quizzes mix single-choice questions with
multiple-select ones, and each test checks the score it built before checking the verdict.
"""

from decimal import Decimal

import pytest

from courses.models import CoursePage
from quizzes.attempts import start_attempt, submit
from quizzes.models import Choice, Question
from tests.quizzes.conftest import make_quiz


@pytest.fixture(autouse=True)
def open_course(course):
    """Every step open, so these tests do not depend on the course's step order."""
    CoursePage.objects.filter(pk=course.pk).update(gating=CoursePage.OPEN)


def quiz_with(module, pass_mark, singles, multiples=()):
    """`singles` single-choice questions and one multiple-select question per (right, wrong)
    pair in `multiples`, with choices "Right n" and "Wrong n"."""
    quiz = make_quiz(questions=singles, module=module, pass_mark=pass_mark)
    for n, (right, wrong) in enumerate(multiples):
        question = Question.objects.create(
            quiz=quiz,
            sort_order=singles + n,
            kind="multiple",
            prompt=f"Multiple {n}?",
            explanation="Because.",
        )
        for i in range(right):
            Choice.objects.create(
                question=question, sort_order=i, text=f"Right {i}", is_correct=True
            )
        for i in range(wrong):
            Choice.objects.create(
                question=question, sort_order=right + i, text=f"Wrong {i}", is_correct=False
            )
    return quiz


def answer(attempt, singles_right, picks=()):
    """Answers: the first `singles_right` single-choice questions right, the rest wrong, and
    for multiple-select question n, picks[n] = (right choices ticked, wrong choices ticked)."""
    answers = {}
    singles = [q for q in attempt.snapshot["questions"] if q["kind"] == "single"]
    for question in singles:
        number = int(question["prompt"].removeprefix("Question ").removesuffix("?"))
        text = "Right" if number < singles_right else "Wrong"
        answers[question["id"]] = [c["id"] for c in question["choices"] if c["text"] == text]
    for question in attempt.snapshot["questions"]:
        if question["kind"] == "multiple":
            right, wrong = picks[int(question["prompt"].removeprefix("Multiple ")[:-1])]
            texts = {f"Right {i}" for i in range(right)} | {f"Wrong {i}" for i in range(wrong)}
            answers[question["id"]] = [c["id"] for c in question["choices"] if c["text"] in texts]
    return answers


def take(learner, quiz, singles_right, picks=()):
    attempt = start_attempt(learner, quiz)
    return submit(attempt, answer(attempt, singles_right, picks))


@pytest.mark.parametrize(
    "pass_mark, singles, singles_right, multiples, picks",
    [
        (75, 4, 3, (), ()),  # 3 of 4
        (70, 10, 7, (), ()),  # 7 of 10
        (80, 5, 4, (), ()),  # 4 of 5
        (50, 2, 1, (), ()),  # 1 of 2
        (100, 3, 3, (), ()),  # all
        (75, 1, 1, [(2, 2)], [(2, 1)]),  # 1 + (2/2 - 1/2) of 2: partial credit counts
    ],
)
def test_a_score_exactly_on_the_pass_mark_passes(
    learner, enrollment, module, pass_mark, singles, singles_right, multiples, picks
):
    quiz = quiz_with(module, pass_mark, singles, multiples)
    attempt = take(learner, quiz, singles_right, picks)
    assert attempt.score == Decimal(pass_mark)
    assert attempt.passed is True


@pytest.mark.parametrize(
    "pass_mark, singles, singles_right, multiples, picks, score",
    [
        # 9 questions: 6 singles right, 1 wrong; 2/5 - 2/9 = 8/45 on a 5-right, 9-wrong
        # question; 4/7 on a 7-right question with no wrong choice: 6.7492.../9 = 74.99%.
        (75, 7, 6, [(5, 9), (7, 0)], [(2, 2), (4, 0)], "74.99"),
        # 11 questions: 7 singles right, 2 wrong; 1/7 and 5/9 partial credit: 69.99%.
        (70, 9, 7, [(7, 0), (9, 0)], [(1, 0), (5, 0)], "69.99"),
        # 8 questions: 5 singles right, 1 wrong; 2/3 - 1/8 and 6/7: 79.99%.
        (80, 6, 5, [(3, 8), (7, 0)], [(2, 1), (6, 0)], "79.99"),
    ],
)
def test_one_hundredth_below_the_pass_mark_fails(
    learner, enrollment, module, pass_mark, singles, singles_right, multiples, picks, score
):
    quiz = quiz_with(module, pass_mark, singles, multiples)
    attempt = take(learner, quiz, singles_right, picks)
    assert attempt.score == Decimal(score) == Decimal(pass_mark) - Decimal("0.01")
    assert attempt.passed is False
