"""The completion tracker: decides when a learner has completed a module and a course.

A module is complete when its reading is complete (seat time met and marked complete, see
`courses.progress`) and its live quiz, if it has one, is passed. A course is complete when
every live module is complete, its live final exam (if any) is passed and, where the course
requires it, the evaluation is submitted. Completion is recorded once (a one-to-one row per
enrollment) and announced through `quizzes.signals.course_completed`.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import CoursePage, Enrollment, ModulePage, ModuleProgress

from .models import Attempt, CourseCompletion, CourseEvaluation, Quiz
from .signals import course_completed


@dataclass(frozen=True)
class ModuleStatus:
    module: ModulePage
    read: bool
    quiz: Quiz | None
    quiz_passed: bool

    @property
    def complete(self):
        return self.read and (self.quiz is None or self.quiz_passed)


@dataclass(frozen=True)
class CourseStatus:
    modules: tuple[ModuleStatus, ...]
    final_exam: Quiz | None
    final_exam_passed: bool
    evaluation_required: bool
    evaluation_submitted: bool

    @property
    def modules_complete(self):
        return sum(1 for m in self.modules if m.complete)

    @property
    def every_module_complete(self):
        return all(m.complete for m in self.modules)

    @property
    def complete(self):
        return (
            bool(self.modules)
            and self.every_module_complete
            and (self.final_exam is None or self.final_exam_passed)
            and (self.evaluation_submitted or not self.evaluation_required)
        )


def course_status(enrollment):
    """Where a learner stands in a course, in a fixed number of queries."""
    # Read the course afresh: receivers get enrollments whose cached course may be stale.
    course = CoursePage.objects.defer_streamfields().get(pk=enrollment.course_id)
    modules = list(
        ModulePage.objects.live().child_of(course).defer_streamfields().order_by("path")
    )
    read = set(
        ModuleProgress.objects.filter(
            enrollment=enrollment, completed_at__isnull=False
        ).values_list("module_id", flat=True)
    )
    # Only live quizzes count: a quiz never published (a draft under review) asks nothing yet.
    quizzes = {q.module_id: q for q in Quiz.objects.live().filter(module__in=modules)}
    final_exam = Quiz.objects.live().filter(course=course).first()
    passed = set(
        Attempt.objects.filter(enrollment=enrollment, passed=True).values_list(
            "quiz_id", flat=True
        )
    )
    return CourseStatus(
        modules=tuple(
            ModuleStatus(
                module=m,
                read=m.id in read,
                quiz=quizzes.get(m.id),
                quiz_passed=m.id in quizzes and quizzes[m.id].id in passed,
            )
            for m in modules
        ),
        final_exam=final_exam,
        final_exam_passed=bool(final_exam and final_exam.id in passed),
        evaluation_required=course.evaluation_required,
        evaluation_submitted=CourseEvaluation.objects.filter(enrollment=enrollment).exists(),
    )


def record_completion_if_complete(enrollment, now=None):
    """Record the course complete once, if it is; return the completion or None.

    Safe to call any number of times and concurrently: the one-to-one row decides, and only
    the call that creates it announces `course_completed`.
    """
    existing = CourseCompletion.objects.filter(enrollment=enrollment).first()
    if existing:
        return existing
    if not course_status(enrollment).complete:
        return None
    now = now or timezone.now()
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(enrollment=enrollment, completed_at=now)
            Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(
                completed_at=now
            )
    except IntegrityError:
        return CourseCompletion.objects.get(enrollment=enrollment)
    enrollment.refresh_from_db()
    course_completed.send(sender=CourseCompletion, completion=completion, enrollment=enrollment)
    return completion


def repair_completions():
    """Record every completion that a crash or an old bug left unrecorded; return how many."""
    recorded = 0
    pending = Enrollment.objects.filter(completion__isnull=True).select_related("course")
    for enrollment in pending.iterator():
        if record_completion_if_complete(enrollment):
            recorded += 1
    return recorded
