"""Learners at every stage of the demo course, for the browser tests and the README
screenshots: enough final-exam attempts, spread over the score range, that the admin
reports' charts (score distribution, question bars, completion funnel) mean something.

Everyone follows the course order (`quizzes.gating`): a module quiz is taken after its
module is read, the final exam only by learners who have read every module and passed every
module quiz, the evaluation only after the final exam is passed. A step taken out of order
would be refused (`AttemptRefused`), so the plan cannot drift from what the site allows."""

import random
import zlib

from django.utils import timezone

from accounts.models import User
from courses.enrollment import enroll
from courses.models import CoursePage, ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.attempts import start_attempt, submit
from quizzes.completion import record_completion_if_complete
from quizzes.models import Attempt, CourseEvaluation, Quiz

# (modules read, of those the module quizzes passed, ability at the final exam or None for
# no attempt, evaluates the course once the final exam is passed). Where fewer quizzes are
# passed than modules read, the learner failed the next quiz once and stopped there.
PLAN = [
    (0, 0, None, False),
    (0, 0, None, False),
    (1, 0, None, False),
    (2, 2, None, False),
    (3, 3, None, False),
    (5, 4, None, False),
    (8, 8, None, False),
    (11, 10, None, False),  # read everything; one module quiz still to pass
    (11, 11, None, False),  # ready for the final exam, not taken yet
    (11, 11, 0.3, False),
    (11, 11, 0.4, False),
    (11, 11, 0.45, False),
    (11, 11, 0.5, False),
    (11, 11, 0.55, False),
    (11, 11, 0.6, True),
    (11, 11, 0.65, True),
    (11, 11, 0.7, True),
    (11, 11, 0.75, True),
    (11, 11, 0.8, True),
    (11, 11, 0.85, False),
    (11, 11, 0.9, True),
    (11, 11, 0.95, True),
]


def mark_read(enrollment, module):
    """The module read and marked complete, as its page leaves it once the seat time is met."""
    progress = record_view(enrollment, module)
    ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=progress.first_viewed_at)


def answers(attempt, ability, rng):
    """Right with a chance that falls with the question's difficulty (fixed per question),
    so some questions are hard for everyone and the indexes vary."""
    chosen = {}
    for question in attempt.snapshot["questions"]:
        difficulty = (zlib.crc32(question["prompt"].encode()) % 100) / 250  # 0 to 0.4
        right = rng.random() < min(max(ability - difficulty + 0.2, 0.05), 0.98)
        choices = question["choices"]
        correct = [c["id"] for c in choices if c["correct"]]
        wrong = [c["id"] for c in choices if not c["correct"]]
        chosen[question["id"]] = correct if right or not wrong else [rng.choice(wrong)]
    return chosen


def all_right(attempt):
    return {
        q["id"]: [c["id"] for c in q["choices"] if c["correct"]]
        for q in attempt.snapshot["questions"]
    }


def all_wrong(attempt):
    return {
        q["id"]: [next(c["id"] for c in q["choices"] if not c["correct"])]
        for q in attempt.snapshot["questions"]
    }


def seed_demo_activity(seed=8):
    """Enrol the learners of PLAN in the demo course and play out how far each got, in the
    course order; return the number of submitted final-exam attempts."""
    rng = random.Random(seed)
    course = CoursePage.objects.get(slug="nmt-foundations")
    modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
    module_quizzes = {q.module_id: q for q in Quiz.objects.filter(module__in=modules)}
    final = Quiz.objects.get(course=course)
    for n, (read, passed, ability, evaluates) in enumerate(PLAN, start=1):
        user = User.objects.create_user(
            f"demo-learner-{n:02d}@example.com",
            legal_name=f"Demo Learner {n:02d}",
            email_confirmed_at=timezone.now(),  # so their final exams are open
        )
        enrollment, _ = enroll(user, course)
        for position, module in enumerate(modules[:read]):
            mark_read(enrollment, module)
            quiz = module_quizzes.get(module.id)
            if quiz is None or position > passed:
                continue
            attempt = start_attempt(user, quiz, rng=rng)
            submit(attempt, all_right(attempt) if position < passed else all_wrong(attempt))
        if ability is None:
            continue
        attempt = start_attempt(user, final, rng=rng)
        attempt = submit(attempt, answers(attempt, ability, rng))
        if evaluates and attempt.passed:
            CourseEvaluation.objects.create(
                enrollment=enrollment,
                objectives_met=rng.choice([4, 5]),
                instructor_knowledge=rng.choice([4, 5]),
                relevance=rng.choice([3, 4, 5]),
                hours_fair=rng.choice([3, 4, 5]),
                minutes_taken=rng.randint(55, 95),
            )
        record_completion_if_complete(enrollment)
    return Attempt.objects.filter(quiz=final, status=Attempt.SUBMITTED).count()
