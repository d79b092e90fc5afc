"""The next step a learner should take in a course, as the pages of this app show it.

Which step comes next depends on rules that live in higher apps (quizzes, the final exam, the
evaluation), so this app asks them through the `learner_next_steps` hook: each function takes
the request and a list of enrollments and returns {enrollment id: NextStep}. Without an
answer, the next step is the first module not read yet.
"""

from dataclasses import dataclass

from wagtail import hooks

NEXT_STEPS_HOOK = "learner_next_steps"


@dataclass(frozen=True)
class NextStep:
    """The primary button: its text and where it leads, and what is still to do."""

    text: str
    url: str
    todo: tuple[str, ...] = ()


def next_steps(request, enrollments):
    """{enrollment id: NextStep or None} for the learner's enrollments."""
    found = {}
    for answer in hooks.get_hooks(NEXT_STEPS_HOOK):
        for enrollment_id, step in answer(request, enrollments).items():
            if step is not None:
                found.setdefault(enrollment_id, step)
    return found


def next_step(request, enrollment, fallback=None):
    """The next step in one course, or `fallback` (a module page) to read next."""
    step = next_steps(request, [enrollment]).get(enrollment.id) if enrollment else None
    if step is None and fallback is not None:
        step = NextStep(f"Continue: {fallback.title}", fallback.url)
    return step
