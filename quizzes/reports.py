"""Report data for instructors and administrators: course rosters and evaluations."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from courses.models import Enrollment, ModulePage

from .forms import RATING_FIELDS
from .models import CourseEvaluation, Quiz


@dataclass(frozen=True)
class RosterRow:
    enrollment: Enrollment
    modules_read: int
    modules_total: int
    quizzes_passed: int
    quizzes_total: int
    evaluated: bool

    @property
    def user(self):
        return self.enrollment.user

    @property
    def completed_at(self):
        completion = getattr(self.enrollment, "completion", None)
        return completion.completed_at if completion else None


def course_roster(course):
    """Every learner enrolled in the course with their progress, in a fixed number of queries."""
    modules_total = ModulePage.objects.live().child_of(course).count()
    quiz_ids = list(
        Quiz.objects.filter(Q(course=course) | Q(module__course_page=course)).values_list(
            "id", flat=True
        )
    )
    enrollments = (
        Enrollment.objects.filter(course=course)
        .select_related("user", "completion", "evaluation")
        .annotate(
            modules_read=Count(
                "module_progress",
                filter=Q(module_progress__completed_at__isnull=False),
                distinct=True,
            ),
            quizzes_passed=Count(
                "quiz_attempts__quiz",
                filter=Q(quiz_attempts__passed=True, quiz_attempts__quiz_id__in=quiz_ids),
                distinct=True,
            ),
        )
        .order_by("user__legal_name", "user__email")
    )
    return [
        RosterRow(
            enrollment=e,
            modules_read=e.modules_read,
            modules_total=modules_total,
            quizzes_passed=e.quizzes_passed,
            quizzes_total=len(quiz_ids),
            evaluated=hasattr(e, "evaluation"),
        )
        for e in enrollments
    ]


def evaluation_summary(course):
    """How many evaluated the course, the mean of each rating, and the comments."""
    evaluations = CourseEvaluation.objects.filter(enrollment__course=course)
    means = evaluations.aggregate(**{name: Avg(name) for name in RATING_FIELDS})
    labels = {name: CourseEvaluation._meta.get_field(name).verbose_name for name in RATING_FIELDS}
    return {
        "count": evaluations.count(),
        "ratings": [
            (labels[name], round(means[name], 2) if means[name] is not None else None)
            for name in RATING_FIELDS
        ],
        "comments": list(
            evaluations.exclude(comments="")
            .order_by("-submitted_at")
            .values_list("submitted_at", "comments")
        ),
    }
