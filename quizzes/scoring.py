"""Scoring attempts. Pure functions over the attempt's snapshot and the learner's answers.

Rules (each question is worth 1 point):
- single choice and true/false: 1 point when exactly the correct choice is selected, else 0;
- multiple select ("select all that apply"): each right choice selected earns
  1 / (number of right choices), each wrong choice selected costs 1 / (number of wrong
  choices), never below 0. Selecting every option, or none, scores 0, so guessing cannot
  gain: only the exact set of right choices scores 1. A question with no wrong choices has
  no cost to share: selecting all is then the exact set and scores 1 (see score_question);
- the percentage is points / questions x 100, rounded half up to two decimals; unanswered
  questions score 0. Arithmetic is Decimal throughout; each question's points are one
  division, so whole and zero scores are exact.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"


@dataclass(frozen=True)
class QuestionScore:
    question_id: str
    points: Decimal
    correct: bool


@dataclass(frozen=True)
class ScoreResult:
    questions: tuple[QuestionScore, ...]

    @property
    def points(self):
        return sum((q.points for q in self.questions), Decimal(0))

    @property
    def percent(self):
        if not self.questions:
            return Decimal("0.00")
        raw = self.points * 100 / len(self.questions)
        return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_question(question, selected):
    """Points (0 to 1) for one question of a snapshot, given the selected choice ids.

    Multiple select: (right selected / right choices) - (wrong selected / wrong choices),
    computed as one fraction over right choices x wrong choices and floored at 0. When the
    question has no wrong choices the wrong-choice divisor is taken as 1: no choice it offers
    can be selected wrongly, so the cost is 0 and the score is right selected / right choices
    (selecting all scores 1); only an id that is not one of its choices could be counted as
    wrong (clean_answers refuses those), and it would cost the whole point. Validation gives a
    multiple-select question two or more right choices; one with none scores 0, not an error.
    """
    selected = set(selected or ())
    correct = {c["id"] for c in question["choices"] if c["correct"]}
    if question["kind"] == MULTIPLE:
        rights = max(len(correct), 1)
        wrongs = max(sum(1 for c in question["choices"] if not c["correct"]), 1)
        right = len(selected & correct)
        wrong = len(selected - correct)
        points = max(Decimal(0), Decimal(right * wrongs - wrong * rights) / (rights * wrongs))
    else:
        points = Decimal(1) if selected == correct else Decimal(0)
    return QuestionScore(question["id"], points, selected == correct)


def score_attempt(snapshot, answers):
    """Score every question of a snapshot; `answers` maps question id -> choice ids."""
    return ScoreResult(
        tuple(score_question(q, answers.get(q["id"], ())) for q in snapshot["questions"])
    )


def passes(result, pass_mark):
    """The pass rule: the attempt's percentage (rounded to two places, ScoreResult.percent)
    reaches the quiz's pass mark: 75.00 passes a 75 % quiz, 74.99 does not."""
    return result.percent >= pass_mark
