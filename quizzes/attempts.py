"""Starting, saving and submitting quiz attempts.

Every write that must happen once is decided by the database: a unique attempt number per
learner and quiz (so concurrent starts can never pass the attempt limit), one open attempt per
learner and quiz (a conditional unique constraint), and a conditional UPDATE ... WHERE
status = 'open' for saving and submitting (so a double or concurrent submission scores once
and every caller gets the first result).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from cms.kept import kept
from cms.page_cache import generation
from courses.enrollment import enrollment_for

from .accommodations import Allowance, allowance
from .gating import OPEN, Gate, quiz_gate
from .models import Attempt
from .scoring import passes, score_attempt
from .signals import quiz_passed


class AttemptRefused(Exception):
    """The learner may not start an attempt now; the message says why and when to return.
    `passed` says the reason is good news: the learner has already passed the quiz."""

    def __init__(self, message, passed=False):
        super().__init__(message)
        self.passed = passed


class InvalidAnswers(ValueError):
    """Answers name questions or choices that were not served in this attempt."""


@dataclass(frozen=True)
class StartState:
    """Whether the learner may start (or resume) an attempt, and why not."""

    allowed: bool
    reason: str = ""
    open_attempt: Attempt | None = None
    attempts_used: int = 0
    passed: bool = False
    attempts_left: int | None = None  # None: no limit
    next_start: datetime | None = None  # set when a minimum delay holds the next attempt
    gate: Gate = OPEN
    allowance: Allowance | None = None
    attempts: tuple[Attempt, ...] = ()


def draw_questions(quiz, questions, rng):
    """The questions an attempt serves, in pool order, before any shuffling.

    A draw per section (a blueprint) takes that many from each section, so every attempt
    covers every section; else a plain draw takes `draw_count` from the whole pool."""
    if quiz.draw_per_section:
        sections = {}
        for question in questions:
            sections.setdefault(question.section, []).append(question)
        drawn = []
        for pool in sections.values():
            drawn.extend(rng.sample(pool, min(quiz.draw_per_section, len(pool))))
    elif quiz.draw_count and quiz.draw_count < len(questions):
        drawn = rng.sample(questions, quiz.draw_count)
    else:
        return questions
    return sorted(drawn, key=lambda q: (q.sort_order, q.id))


def questions_served(quiz):
    """How many questions each attempt serves, counted by the draw itself."""
    return len(draw_questions(quiz, question_pool(quiz), random.SystemRandom()))


@dataclass(frozen=True)
class PoolQuestion:
    """A live question as starts draw it: plain values, cheap to keep and to read back."""

    id: int
    sort_order: int
    kind: str
    prompt: str
    explanation: str
    section: str
    objective: str
    choices: tuple  # {"id", "text", "correct"} per choice, in the question's choice order


def question_pool(quiz):
    """The quiz's live questions with their choices, in pool order. Kept (cms.kept) under the
    quiz's live revision and the content generation, which publishing the quiz moves on, so
    a start reads no question or choice rows; the snapshot is drawn from it as before."""
    key = f"quiz-pool:{quiz.pk}:{quiz.live_revision_id}:{generation()}"
    return kept(key, lambda: read_question_pool(quiz))


def read_question_pool(quiz):
    questions = quiz.questions.prefetch_related("choices").order_by("sort_order", "id")
    return tuple(
        PoolQuestion(
            q.id,
            q.sort_order,
            q.kind,
            q.prompt,
            q.explanation,
            q.section,
            q.objective,
            tuple(
                {"id": str(c.id), "text": c.text, "correct": c.is_correct}
                for c in sorted(q.choices.all(), key=lambda c: (c.sort_order, c.id))
            ),
        )
        for q in questions
    )


def build_snapshot(quiz, rng=None):
    """Draw and order the questions and choices to serve, with what scoring needs."""
    rng = rng or random.SystemRandom()
    questions = draw_questions(quiz, list(question_pool(quiz)), rng)
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    served = []
    for question in questions:
        choices = [dict(choice) for choice in question.choices]
        if quiz.shuffle_choices and question.kind != "true_false":
            rng.shuffle(choices)
        served.append(
            {
                "id": str(question.id),
                "kind": question.kind,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "section": question.section,
                "objective": question.objective,
                "choices": choices,
            }
        )
    return {
        "quiz_title": quiz.title,
        "pass_mark": quiz.pass_mark,
        "final_exam": quiz.is_final_exam,
        "questions": served,
    }


def close_if_expired(attempt, now=None):
    """Score an open attempt whose time is up with the answers saved so far."""
    now = now or timezone.now()
    if attempt.status == Attempt.OPEN and attempt.deadline and now >= attempt.deadline:
        return submit(attempt, None, now=now, by_deadline=True)
    return attempt


def _when(moment):
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'j F Y, H:i')} ({timezone.get_current_timezone_name()})"


def start_state(user, quiz, now=None, gate=OPEN):
    """Can this learner start an attempt at this quiz now? (No writes but closing attempts
    whose time is up.) `gate` is the step's gate (quizzes.gating), asked by the caller."""
    now = now or timezone.now()
    attempts = tuple(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    for attempt in attempts:
        close_if_expired(attempt, now)
    limits = allowance(user, quiz)
    passed = any(a.passed for a in attempts)
    open_attempt = next((a for a in attempts if a.status == Attempt.OPEN), None)
    used = len(attempts)
    left = max(0, limits.max_attempts - used) if limits.max_attempts else None
    state = partial(
        StartState,
        attempts_used=used,
        passed=passed,
        attempts_left=left,
        gate=gate,
        allowance=limits,
        attempts=attempts,
    )
    if open_attempt:
        return state(True, "", open_attempt)
    if passed:
        return state(False, "You have passed this quiz.")
    if not gate.open:
        return state(False, gate.reason)
    if left == 0:
        return state(
            False,
            f"You have used all {limits.max_attempts} attempts at this quiz. Contact the "
            "provider if you need another.",
        )
    ready = limits.next_start(attempts[-1].submitted_at if attempts else None)
    if ready and now < ready:
        return state(
            False,
            f"You can start your next attempt from {_when(ready)}.",
            next_start=ready,
        )
    return state(True, "")


def start_attempt(user, quiz, now=None, rng=None):
    """Start an attempt (or return the open one). Raises AttemptRefused with the reason.

    A step that is not open yet (quizzes.gating) is refused before anything is written: no
    attempt is used and no clock starts."""
    now = now or timezone.now()
    course = quiz.course_page()
    enrollment = enrollment_for(user, course)
    if enrollment is None:
        raise AttemptRefused("Enroll in the course to take its quizzes.")
    state = start_state(user, quiz, now, gate=quiz_gate(enrollment, quiz, course))
    if state.open_attempt:
        return state.open_attempt
    if not state.allowed:
        raise AttemptRefused(state.reason, passed=state.passed)
    minutes = state.allowance.time_limit_minutes
    deadline = now + timedelta(minutes=minutes) if minutes else None
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                user=user,
                enrollment=enrollment,
                number=state.attempts_used + 1,
                started_at=now,
                deadline=deadline,
                snapshot=build_snapshot(quiz, rng),
            )
    except IntegrityError:
        # A concurrent start won: hand back its attempt rather than an error.
        winner = Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.OPEN).first()
        if winner:
            return winner
        raise AttemptRefused(start_state(user, quiz, now).reason or "Please try again.") from None


def clean_answers(attempt, submitted):
    """Check submitted answers against the snapshot; return {question id: [choice ids]}.

    `submitted` maps question ids to lists of choice ids (strings). Anything not served in this
    attempt raises InvalidAnswers, and then nothing is saved.
    """
    served = {q["id"]: q for q in attempt.snapshot["questions"]}
    cleaned = {}
    for question_id, choice_ids in submitted.items():
        question = served.get(str(question_id))
        if question is None:
            raise InvalidAnswers("An answer names a question that is not in this attempt.")
        valid = {c["id"] for c in question["choices"]}
        chosen = [str(c) for c in choice_ids]
        if not set(chosen) <= valid:
            raise InvalidAnswers("An answer names a choice that is not in its question.")
        if question["kind"] != "multiple" and len(chosen) > 1:
            raise InvalidAnswers("Choose only one answer for a single-choice question.")
        cleaned[question["id"]] = sorted(set(chosen))
    return cleaned


def save_answers(attempt, submitted, now=None):
    """Save answers to an open attempt within its time. Returns the (possibly closed) attempt."""
    now = now or timezone.now()
    attempt = close_if_expired(attempt, now)
    if attempt.status != Attempt.OPEN:
        return attempt
    cleaned = clean_answers(attempt, submitted)
    answers = {**attempt.answers, **cleaned}
    Attempt.objects.filter(pk=attempt.pk, status=Attempt.OPEN).update(answers=answers)
    attempt.refresh_from_db()
    return attempt


def submit(attempt, submitted=None, now=None, by_deadline=False):
    """Score and close an attempt once; every later call returns the first result."""
    now = now or timezone.now()
    if attempt.deadline and now >= attempt.deadline:
        by_deadline = True
        submitted = None  # answers arriving after the deadline are not accepted
    answers = dict(attempt.answers)
    if submitted:
        answers.update(clean_answers(attempt, submitted))
    result = score_attempt(attempt.snapshot, answers)
    passed = passes(result, attempt.snapshot["pass_mark"])
    won = Attempt.objects.filter(pk=attempt.pk, status=Attempt.OPEN).update(
        status=Attempt.SUBMITTED,
        answers=answers,
        submitted_at=min(now, attempt.deadline) if by_deadline and attempt.deadline else now,
        closed_by_deadline=by_deadline,
        score=result.percent,
        passed=passed,
    )
    attempt.refresh_from_db()
    if won and attempt.passed:
        quiz_passed.send(sender=Attempt, attempt=attempt)
    return attempt
