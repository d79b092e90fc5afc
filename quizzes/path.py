"""The learner's path through a course: the outline of every step with its state, and the one
next step the primary button leads to.

The steps and their order come from the completion rules (`CourseStatus.steps`); whether a
step is open comes from the gating rules (`quizzes.gating`). The next step is the first step,
in course order, that is not done: with strict gating it is always open, and with looser
gating every step is.
"""

from dataclasses import dataclass

from courses.path import NextStep

from .completion import (
    EVALUATION,
    FINAL_EXAM,
    QUIZ,
    READ,
    Step,
    course_status_in,
    course_statuses,
)
from .gating import evaluation_gate, final_exam_gate, module_quiz_gate

DONE, OPEN, LOCKED = "done", "open", "locked"

# What the primary button says for each kind of step.
_ACTIONS = {
    READ: "Read",
    QUIZ: "Take the quiz",
    FINAL_EXAM: "Go to the final exam",
    EVALUATION: "Evaluate the course",
}
_STATE_LABELS = {DONE: "Done", OPEN: "To do", LOCKED: "Locked"}


@dataclass(frozen=True)
class PathStep:
    step: Step
    state: str  # DONE, OPEN or LOCKED

    @property
    def state_label(self):
        return _STATE_LABELS[self.state]

    @property
    def label(self):
        """The outline's name for the step, e.g. "Quiz: Adhesions"."""
        if self.step.kind == QUIZ:
            return f"Quiz: {self.step.module.title}"
        return self.step.title


@dataclass(frozen=True)
class LearnerPath:
    steps: tuple[PathStep, ...]

    @property
    def next(self):
        """The first step not done, or None when every step is done."""
        return next((s for s in self.steps if s.state != DONE), None)

    @property
    def todo(self):
        return [s for s in self.steps if s.state != DONE]

    def next_step(self):
        """The primary button: what to do next and where."""
        step = self.next
        if step is None:
            return None
        if step.step.kind == READ:
            text = f"{_ACTIONS[READ]}: {step.step.title}"
        elif step.step.kind == QUIZ:
            text = f"{_ACTIONS[QUIZ]}: {step.step.module.title}"
        else:
            text = _ACTIONS[step.step.kind]
        return NextStep(text, step.step.url, tuple(s.label for s in self.todo))


def _state(step, course, status):
    if step.done:
        return DONE
    if step.kind == READ:
        return OPEN
    if step.kind == QUIZ:
        read = next(m.read for m in status.modules if m.module.id == step.module.id)
        gate = module_quiz_gate(course, step.module, read, status.urls[READ, step.module.id])
    elif step.kind == FINAL_EXAM:
        gate = final_exam_gate(course, status)
    else:
        gate = evaluation_gate(course, status)
    return OPEN if gate.open else LOCKED


def next_steps(enrollments):
    """{enrollment id: NextStep} for enrollments whose course has a step left."""
    statuses = course_statuses(enrollments)
    return {e.id: learner_path(e.course, statuses[e.id]).next_step() for e in enrollments}


def path_context(enrollment, course, status=None):
    """The outline and the next step, for a page's template (nothing without an enrollment).
    `status` is the learner's course status if the view has read it already."""
    if enrollment is None:
        return {}
    path = learner_path(course, status or course_status_in(enrollment, course))
    return {"path": path, "next_step": path.next_step()}


def learner_path(course, status):
    """The outline of `course` for a learner whose standing is `status`."""
    return LearnerPath(
        tuple(PathStep(step, _state(step, course, status)) for step in status.steps(course))
    )
