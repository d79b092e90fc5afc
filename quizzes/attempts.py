"""Starting, saving and submitting quiz attempts.

Every write that must happen once is decided by the database: a unique attempt number per
learner and quiz (so concurrent starts can never pass the attempt limit), one open attempt per
learner and quiz (a conditional unique constraint), and a conditional UPDATE ... WHERE
status = 'open' for saving and submitting (so a double or concurrent submission scores once
and every caller gets the first result).
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.enrollment import enrollment_for

from .models import Attempt
from .scoring import score_attempt
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


def build_snapshot(quiz, rng=None):
    """Draw and order the questions and choices to serve, with what scoring needs."""
    rng = rng or random.SystemRandom()
    questions = list(quiz.questions.prefetch_related("choices").order_by("sort_order", "id"))
    if quiz.draw_count and quiz.draw_count < len(questions):
        questions = rng.sample(questions, quiz.draw_count)
        questions.sort(key=lambda q: (q.sort_order, q.id))
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    served = []
    for question in questions:
        choices = list(question.choices.all())
        choices.sort(key=lambda c: (c.sort_order, c.id))
        if quiz.shuffle_choices and question.kind != "true_false":
            rng.shuffle(choices)
        served.append(
            {
                "id": str(question.id),
                "kind": question.kind,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "choices": [
                    {"id": str(c.id), "text": c.text, "correct": c.is_correct} for c in choices
                ],
            }
        )
    return {"quiz_title": quiz.title, "pass_mark": quiz.pass_mark, "questions": served}


def close_if_expired(attempt, now=None):
    """Score an open attempt whose time is up with the answers saved so far."""
    now = now or timezone.now()
    if attempt.status == Attempt.OPEN and attempt.deadline and now >= attempt.deadline:
        return submit(attempt, None, now=now, by_deadline=True)
    return attempt


def start_state(user, quiz, now=None):
    """Can this learner start an attempt at this quiz now? (No writes.)"""
    now = now or timezone.now()
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    for attempt in attempts:
        close_if_expired(attempt, now)
    passed = any(a.passed for a in attempts)
    open_attempt = next((a for a in attempts if a.status == Attempt.OPEN), None)
    used = len(attempts)
    if open_attempt:
        return StartState(True, "", open_attempt, used, passed)
    if passed:
        return StartState(False, "You have passed this quiz.", None, used, passed)
    if quiz.max_attempts and used >= quiz.max_attempts:
        return StartState(
            False,
            f"You have used all {quiz.max_attempts} attempts at this quiz. Contact the "
            "provider if you need another.",
            None,
            used,
            passed,
        )
    if attempts and quiz.retry_delay_minutes:
        ready = attempts[-1].submitted_at + timedelta(minutes=quiz.retry_delay_minutes)
        if now < ready:
            local = timezone.localtime(ready)
            return StartState(
                False,
                f"You can try again from {local:%H:%M} ({timezone.get_current_timezone_name()}"
                f"), {quiz.retry_delay_minutes} minutes after your last attempt.",
                None,
                used,
                passed,
            )
    return StartState(True, "", None, used, passed)


def start_attempt(user, quiz, now=None, rng=None):
    """Start an attempt (or return the open one). Raises AttemptRefused with the reason."""
    now = now or timezone.now()
    course = quiz.course_page()
    enrollment = enrollment_for(user, course)
    if enrollment is None:
        raise AttemptRefused("Enroll in the course to take its quizzes.")
    state = start_state(user, quiz, now)
    if state.open_attempt:
        return state.open_attempt
    if not state.allowed:
        raise AttemptRefused(state.reason, passed=state.passed)
    deadline = (
        now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    )
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
    passed = result.percent >= attempt.snapshot["pass_mark"]
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
