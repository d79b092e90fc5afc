"""Gating: which step of a course a learner may open now.

By default (a course's `gating` is "strict") the steps follow the course order:

- a module's quiz opens when the module's reading is complete (seat time met and marked
  complete, `courses.progress`);
- the final exam opens when every live module is complete: read, and its quiz passed;
- the evaluation opens after the final exam is passed (in a course without a final exam, when
  every module is complete).

A course may loosen this: "module_quizzes_open" opens module quizzes at any time and keeps the
order for the final exam and the evaluation; "open" opens every step. Completion still needs
every step (`quizzes.completion`). A closed step says why and links to what comes first;
opening it never starts a clock or uses an attempt (the views ask before they start anything).
"""

from dataclasses import dataclass, replace

from django.urls import reverse

from accounts.confirmation import needs_confirmation
from courses.models import CoursePage, ModuleProgress

from .completion import course_status


@dataclass(frozen=True)
class Gate:
    """Whether a step is open; if not, why, and the step that comes first."""

    open: bool
    reason: str = ""
    first_title: str = ""
    first_url: str = ""
    # Set when the learner must also confirm their email address (the page offers to resend).
    confirm_email: bool = False


OPEN = Gate(True)


def _first_unfinished_step(status):
    """(title, url) of the first step in course order that is not done yet."""
    for module_status in status.modules:
        if not module_status.read:
            return module_status.module.title, module_status.module.url
        if module_status.quiz and not module_status.quiz_passed:
            return module_status.quiz.title, reverse(
                "quizzes:detail", args=[module_status.quiz.pk]
            )
    if status.final_exam and not status.final_exam_passed:
        return status.final_exam.title, reverse("quizzes:detail", args=[status.final_exam.pk])
    return "", ""


def module_quiz_gate(course, module, progress):
    """The gate of a module's quiz, given the learner's progress row for the module (or None).

    Asks the database nothing: the module page already holds the progress row."""
    if course.gating != CoursePage.STRICT or (progress and progress.completed_at):
        return OPEN
    return Gate(
        False,
        f"This quiz opens when you have finished reading “{module.title}” and marked it complete.",
        module.title,
        module.url,
    )


def final_exam_gate(course, status):
    """The gate of the final exam, given the learner's course status."""
    if course.gating == CoursePage.OPEN or status.every_module_complete:
        return OPEN
    title, url = _first_unfinished_step(status)
    return Gate(
        False,
        "The final exam opens when every module is read and every module quiz is passed.",
        title,
        url,
    )


def evaluation_gate(course, status):
    """The gate of the course evaluation, given the learner's course status."""
    if course.gating == CoursePage.OPEN:
        return OPEN
    if status.final_exam is not None:
        if status.final_exam_passed:
            return OPEN
        reason = "The course evaluation opens after you pass the final exam."
    else:
        if status.every_module_complete:
            return OPEN
        reason = "The course evaluation opens when every module is complete."
    title, url = _first_unfinished_step(status)
    return Gate(False, reason, title, url)


# --- Email confirmation (issue 16): a final exam also waits on a confirmed address, so every
# certificate goes to one. The rule is accounts.confirmation.needs_confirmation.
CONFIRM_EMAIL_REASON = (
    "The final exam opens once you have confirmed your email address, so that your "
    "certificate reaches you."
)


def email_confirmation_gate(gate, user):
    """`gate` (a final exam's), also closed until the learner's email address is confirmed.

    The course order still comes first: a learner with modules left sees that step, and is
    asked to confirm too."""
    if not needs_confirmation(user):
        return gate
    if gate.open:
        return Gate(False, CONFIRM_EMAIL_REASON, confirm_email=True)
    return replace(gate, confirm_email=True)


def quiz_gate(enrollment, quiz, course=None):
    """Whether the enrolled learner may open this quiz now (a module quiz or a final exam)."""
    course = course or quiz.course_page()
    if quiz.is_final_exam:
        gate = final_exam_gate(course, course_status(enrollment))
        return email_confirmation_gate(gate, enrollment.user)
    progress = ModuleProgress.objects.filter(enrollment=enrollment, module_id=quiz.module_id)
    return module_quiz_gate(course, quiz.module, progress.first())
