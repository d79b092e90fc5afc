"""Quiz statistics as in Moodle's statistics report, over submitted attempts.

- facility index: the mean score on a question, as a percentage of its full marks (how easy);
- discrimination index: the Pearson correlation between the score on a question and the score
  on the rest of the attempt, x 100 (do learners who do well overall do well here?). It is
  undefined (None) with fewer than two attempts or when either side does not vary.

All submitted attempts count, including retries; each question is identified by the id it had
in the attempt's snapshot, so edits after an attempt never change what it is counted as.

The score distribution counts attempts in ten bins of ten percentage points: 0 to under 10,
10 to under 20, ... 80 to under 90, and 90 to 100 inclusive (a perfect score is in the last).
"""

import statistics
from dataclasses import dataclass
from decimal import Decimal

from .scoring import score_question


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    prompt: str
    attempts: int
    facility: float | None
    discrimination: float | None


@dataclass(frozen=True)
class QuizStats:
    attempts: int
    passed: int
    mean: float | None
    median: float | None
    questions: tuple[QuestionStats, ...]
    score_bins: tuple[int, ...] = (0,) * 10

    @property
    def pass_rate(self):
        return round(100 * self.passed / self.attempts, 1) if self.attempts else None


SCORE_BIN_WIDTH = 10
SCORE_BIN_EDGES = tuple(range(0, 101, SCORE_BIN_WIDTH))  # 0, 10, ... 100


def score_bins(scores):
    """How many scores (percentages, 0-100) fall in each ten-point bin, lowest bin first.

    A bin holds [lower edge, lower edge + 10), except the last, which also holds 100.
    Scores outside 0-100 (none should exist) are counted in the nearest end bin.
    """
    counts = [0] * (len(SCORE_BIN_EDGES) - 1)
    for score in scores:
        index = int(Decimal(str(score)) // SCORE_BIN_WIDTH)
        counts[min(max(index, 0), len(counts) - 1)] += 1
    return tuple(counts)


def score_bin_labels():
    """The bins in words, matching `score_bins`: "0 to under 10", ..., "90 to 100"."""
    pairs = list(zip(SCORE_BIN_EDGES, SCORE_BIN_EDGES[1:], strict=False))
    return tuple(
        f"{low} to {high}" if high == SCORE_BIN_EDGES[-1] else f"{low} to under {high}"
        for low, high in pairs
    )


def _pearson(xs, ys):
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def quiz_statistics(attempts):
    """Statistics over submitted attempts (objects with snapshot, answers, score, passed)."""
    attempts = [a for a in attempts if a.score is not None]
    scores = [float(a.score) for a in attempts]
    per_question = {}
    prompts = {}
    for attempt in attempts:
        served = attempt.snapshot["questions"]
        points = {
            q["id"]: float(score_question(q, attempt.answers.get(q["id"], ())).points)
            for q in served
        }
        total = sum(points.values())
        for question in served:
            prompts.setdefault(question["id"], question["prompt"])
            rest = total - points[question["id"]]
            per_question.setdefault(question["id"], []).append((points[question["id"]], rest))
    questions = []
    for question_id, pairs in per_question.items():
        item = [p for p, _ in pairs]
        rest = [r for _, r in pairs]
        r = _pearson(item, rest)
        questions.append(
            QuestionStats(
                question_id=question_id,
                prompt=prompts[question_id],
                attempts=len(pairs),
                facility=round(100 * statistics.fmean(item), 1),
                discrimination=round(100 * r, 1) if r is not None else None,
            )
        )
    questions.sort(key=lambda q: (q.facility if q.facility is not None else 0, q.prompt))
    return QuizStats(
        attempts=len(attempts),
        passed=sum(1 for a in attempts if a.passed),
        mean=round(statistics.fmean(scores), 2) if scores else None,
        median=round(float(statistics.median([Decimal(s) for s in scores])), 2)
        if scores
        else None,
        questions=tuple(questions),
        score_bins=score_bins(a.score for a in attempts),
    )
