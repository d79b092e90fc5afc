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

from accounts.confirmation import needs_confirmation
from courses.models import CoursePage, ModuleProgress

from .completion import course_status_in


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


def _closed(course, status, reason):
    """A closed gate, linking to the first step of the course that is not done yet."""
    first = next((step for step in status.steps(course) if not step.done), None)
    return Gate(False, reason, first.title if first else "", first.url if first else "")


def module_quiz_gate(course, module, read, module_url=None):
    """The gate of a module's quiz, given whether the learner has finished reading it.

    Asks the database nothing: the module page already holds the progress row. A caller
    holding the module's address (a course status's `urls`) passes it as `module_url`."""
    if course.gating != CoursePage.STRICT or read:
        return OPEN
    return Gate(
        False,
        f"This quiz opens when you have finished reading “{module.title}” and marked it complete.",
        module.title,
        module.url if module_url is None else module_url,
    )


def final_exam_gate(course, status):
    """The gate of the final exam, given the learner's course status."""
    if course.gating == CoursePage.OPEN or status.every_module_complete:
        return OPEN
    return _closed(
        course,
        status,
        "The final exam opens when every module is read and every module quiz is passed.",
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
    return _closed(course, status, reason)


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
        gate = final_exam_gate(course, course_status_in(enrollment, course))
        return email_confirmation_gate(gate, enrollment.user)
    read = ModuleProgress.objects.filter(
        enrollment=enrollment, module_id=quiz.module_id, completed_at__isnull=False
    ).exists()
    return module_quiz_gate(course, quiz.module, read)
