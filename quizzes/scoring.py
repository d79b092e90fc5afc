"""Scoring attempts. Pure functions over the attempt's snapshot and the learner's answers.

Rules:
- single choice and true/false: 1 point when exactly the correct choice is selected, else 0;
- multiple select: (correct choices selected - wrong choices selected) / correct choices,
  never below 0; full marks only when exactly the correct choices are selected;
- the percentage is points / questions x 100, rounded half up to two decimals; unanswered
  questions score 0.
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
    """Points (0 to 1) for one question of a snapshot, given the selected choice ids."""
    selected = set(selected or ())
    correct = {c["id"] for c in question["choices"] if c["correct"]}
    if question["kind"] == MULTIPLE:
        right = len(selected & correct)
        wrong = len(selected - correct)
        points = max(Decimal(0), Decimal(right - wrong) / len(correct))
    else:
        points = Decimal(1) if selected == correct else Decimal(0)
    return QuestionScore(question["id"], points, selected == correct)


def score_attempt(snapshot, answers):
    """Score every question of a snapshot; `answers` maps question id -> choice ids."""
    return ScoreResult(
        tuple(score_question(q, answers.get(q["id"], ())) for q in snapshot["questions"])
    )
