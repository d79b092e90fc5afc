"""What a learner may see of a submitted attempt, by the quiz's review policy."""

from dataclasses import dataclass

from .models import Quiz
from .scoring import score_question


@dataclass(frozen=True)
class ReviewChoice:
    text: str
    selected: bool
    correct: bool | None  # None when the policy hides it


@dataclass(frozen=True)
class ReviewQuestion:
    number: int
    prompt: str
    choices: tuple[ReviewChoice, ...]
    answered: bool
    answered_right: bool
    explanation: str | None


def review_level(quiz, passed_quiz):
    """'score', 'marks' or 'answers', plus whether explanations show."""
    level = quiz.review_after_submit
    explanations = bool(passed_quiz and quiz.explanations_after_pass)
    if explanations:
        level = Quiz.REVIEW_ANSWERS
    return level, explanations


def build_review(quiz, attempt, passed_quiz):
    """The questions of a submitted attempt, with only what the policy allows."""
    level, explanations = review_level(quiz, passed_quiz)
    if level == Quiz.REVIEW_SCORE:
        return []
    review = []
    for number, question in enumerate(attempt.snapshot["questions"], start=1):
        selected = set(attempt.answers.get(question["id"], []))
        result = score_question(question, selected)
        review.append(
            ReviewQuestion(
                number=number,
                prompt=question["prompt"],
                choices=tuple(
                    ReviewChoice(
                        text=c["text"],
                        selected=c["id"] in selected,
                        correct=c["correct"] if level == Quiz.REVIEW_ANSWERS else None,
                    )
                    for c in question["choices"]
                ),
                answered=bool(selected),
                answered_right=result.correct,
                explanation=question["explanation"] if explanations else None,
            )
        )
    return review


def missed_objectives(quiz, attempt, passed_quiz):
    """The learning objectives of the questions this attempt did not get right, once each and
    in the order served, when the review does not show the answers themselves (a final exam
    before it is passed shows the score and these, never its keyed answers)."""
    level, _ = review_level(quiz, passed_quiz)
    if level == Quiz.REVIEW_ANSWERS:
        return []
    missed = []
    for question in attempt.snapshot["questions"]:
        objective = question.get("objective", "")
        selected = attempt.answers.get(question["id"], [])
        if (
            objective
            and objective not in missed
            and not score_question(question, selected).correct
        ):
            missed.append(objective)
    return missed
