"""Report data for instructors and administrators: course rosters, completion funnels,
evaluations, and the charts of the quiz and course reports."""

from dataclasses import dataclass
from statistics import median

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from wagtail import hooks

from cms.charts import Bar, FunnelStage, bar_chart, format_percent, histogram
from courses.models import Enrollment, ModulePage, ModuleProgress

from .forms import RATING_FIELDS
from .models import Attempt, CourseEvaluation, Quiz
from .statistics import SCORE_BIN_EDGES, QuestionStats, score_bin_labels

# Higher apps add stages to the course funnel through this Wagtail hook. Each function takes
# the course and returns FunnelCondition objects, whose `condition` is a Q on
# courses.Enrollment; every stage is counted in the funnel's one aggregate query.
# certificates/wagtail_hooks.py contributes "Certified" this way.
FUNNEL_STAGES_HOOK = "course_report_funnel_stages"

# Moodle's guidance: a question with a discrimination index under 20 deserves a look.
DISCRIMINATION_WORTH_A_LOOK = 20


@dataclass(frozen=True)
class FunnelCondition:
    """A stage another app contributes to the course funnel."""

    label: str
    condition: Q
    definition: str = ""


@dataclass(frozen=True)
class CourseParts:
    """The live modules and the quizzes (module quizzes and final exam) of a course."""

    module_ids: tuple[int, ...]
    quiz_ids: tuple[int, ...]


def course_parts(course):
    """What a learner must get through in the course, in two queries."""
    return CourseParts(
        module_ids=tuple(ModulePage.objects.live().child_of(course).values_list("id", flat=True)),
        quiz_ids=tuple(
            Quiz.objects.filter(Q(course=course) | Q(module__course_page=course)).values_list(
                "id", flat=True
            )
        ),
    )


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


def course_roster(course, parts=None):
    """Every learner enrolled in the course with their progress, in a fixed number of queries."""
    parts = parts or course_parts(course)
    modules_total = len(parts.module_ids)
    quiz_ids = list(parts.quiz_ids)
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
    """How many evaluated the course, the mean of each rating, the median time learners say
    the course took (against the minutes its CE hours stand for), and the comments."""
    evaluations = CourseEvaluation.objects.filter(enrollment__course=course)
    means = evaluations.aggregate(**{name: Avg(name) for name in RATING_FIELDS})
    labels = {name: CourseEvaluation._meta.get_field(name).verbose_name for name in RATING_FIELDS}
    minutes = sorted(
        evaluations.exclude(minutes_taken=None).values_list("minutes_taken", flat=True)
    )
    return {
        "count": evaluations.count(),
        "minutes_taken": median(minutes) if minutes else None,
        "minutes_answers": len(minutes),
        "minutes_awarded": round(course.ce_hours * 60),
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


def _count_per_enrollment(queryset, field):
    """A subquery: how many distinct `field` values `queryset` holds for the outer enrollment."""
    return Coalesce(
        Subquery(
            queryset.filter(enrollment=OuterRef("pk"))
            .order_by()
            .values("enrollment")
            .annotate(n=Count(field, distinct=True))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def course_funnel(course, parts=None):
    """How far the course's learners got, as funnel stages, in one aggregate query.

    Each stage counts the enrollments that reached it or a later one, so the counts never
    grow from one stage to the next:

    - Enrolled: every enrollment in the course.
    - Started: read (marked complete) at least one module.
    - Read every module: every module live now is read.
    - Passed every quiz: read every module, and passed every quiz of the course (each
      module's quiz and the final exam) at least once.

    A recorded course completion counts at every one of these stages, because it was
    decided when the learner met them all: a module or quiz added later does not move a
    completed learner back. Stages from other apps (`FUNNEL_STAGES_HOOK`) follow, each
    counted by its own condition (certificates adds "Certified").
    """
    parts = parts or course_parts(course)
    completed = Q(completion__isnull=False)
    started = Q(modules_read__gte=1)
    all_read = started & Q(modules_read__gte=len(parts.module_ids))
    all_passed = all_read & Q(quizzes_passed__gte=len(parts.quiz_ids))
    stages = [
        FunnelCondition("Enrolled", Q(), "Every learner enrolled in the course."),
        FunnelCondition(
            "Started", started | completed, "Read (marked complete) at least one module."
        ),
        FunnelCondition(
            "Read every module",
            all_read | completed,
            f"Read all {len(parts.module_ids)} modules published now.",
        ),
        FunnelCondition(
            "Passed every quiz",
            all_passed | completed,
            (
                f"Read every module and passed all {len(parts.quiz_ids)} quizzes (module "
                "quizzes and the final exam) at least once."
                if parts.quiz_ids
                else "The course has no quizzes: the same learners as Read every module."
            )
            + " A recorded course completion counts here and at every stage above.",
        ),
    ]
    for contribute in hooks.get_hooks(FUNNEL_STAGES_HOOK):
        stages.extend(contribute(course) or ())
    enrollments = Enrollment.objects.filter(course=course).annotate(
        modules_read=_count_per_enrollment(
            ModuleProgress.objects.filter(
                completed_at__isnull=False, module_id__in=parts.module_ids
            ),
            "module_id",
        ),
        quizzes_passed=_count_per_enrollment(
            Attempt.objects.filter(passed=True, quiz_id__in=parts.quiz_ids), "quiz_id"
        ),
    )
    counts = enrollments.aggregate(
        **{
            f"stage_{n}": Count("pk", filter=stage.condition) if stage.condition else Count("pk")
            for n, stage in enumerate(stages)
        }
    )
    return [
        FunnelStage(stage.label, counts[f"stage_{n}"], stage.definition)
        for n, stage in enumerate(stages)
    ]


def funnel_description(stages):
    """The funnel chart's description (its SVG <desc>)."""
    if not stages:
        return ""
    first, last = stages[0], stages[-1]
    return (
        f"Bar chart of {len(stages)} stages, from {first.label} ({first.count}) to "
        f"{last.label} ({last.count}), on a scale from 0 to {max(s.count for s in stages)} "
        "learners. Each stage's count and share of those enrolled is printed beside it and "
        "listed in the table under the chart."
    )


@dataclass(frozen=True)
class QuestionRow:
    """A row of the quiz report's question table, with the bars that draw its numbers."""

    stats: QuestionStats
    facility: Bar
    discrimination: Bar


def quiz_report_charts(quiz, stats):
    """The quiz report's charts: the score distribution with the pass mark, and each
    question's facility (0 to 100) and discrimination (-100 to 100) as bars, in the order
    of `stats.questions`. The question rows carry the bars, so the table prints the same
    text the chart draws."""
    questions = stats.questions
    facility = bar_chart(
        [(q.prompt, q.facility) for q in questions],
        minimum=0,
        maximum=100,
        ticks=(0, 50, 100),
        text=format_percent,
        column="Facility index",
    )
    discrimination = bar_chart(
        [(q.prompt, q.discrimination) for q in questions],
        minimum=-100,
        maximum=100,
        ticks=(-100, 0, 100),
        reference=DISCRIMINATION_WORTH_A_LOOK,
        column="Discrimination index",
    )
    return {
        "histogram": histogram(
            list(zip(score_bin_labels(), stats.score_bins, strict=True)),
            SCORE_BIN_EDGES,
            marker=quiz.pass_mark,
            marker_text=f"Pass mark {quiz.pass_mark}%",
            tick_every=2,
        ),
        "facility": facility,
        "discrimination": discrimination,
        "question_rows": [
            QuestionRow(q, f, d)
            for q, f, d in zip(questions, facility.bars, discrimination.bars, strict=True)
        ],
        "texts": _quiz_chart_texts(quiz, stats),
    }


def _quiz_chart_texts(quiz, stats):
    """Captions (shown) and descriptions (the SVGs' <desc>) of the quiz report's charts."""
    count = len(stats.questions)
    undefined = sum(1 for q in stats.questions if q.discrimination is None)
    questions = f"{count} question{'s' if count != 1 else ''}"
    return {
        "histogram_caption": (
            "Submitted attempts by score, in bins of ten percentage points (a score of 100% is "
            f"in the last bin). The dashed line is the pass mark, {quiz.pass_mark}%."
        ),
        "histogram": (
            f"Column chart of {stats.attempts} submitted attempts by score, in ten bins from "
            f"0 to 100%, with the pass mark of {quiz.pass_mark}% marked. The count of each "
            "bin is printed above its column and listed in the table under the chart."
        ),
        "facility_caption": (
            "Facility index of each question, from 0% (nobody answered it right) to 100% "
            "(everybody did), hardest first."
        ),
        "facility": (
            f"Bar chart of the facility index of {questions}, on a scale from 0 to 100%. "
            "Each value is printed beside its question and listed in the questions table."
        ),
        "discrimination_caption": (
            "Discrimination index of each question, from -100 to 100, with zero marked. A bar "
            "left of zero (red) is negative: learners who did well overall did worse on that "
            f"question. The dashed line marks {DISCRIMINATION_WORTH_A_LOOK}; below it, a "
            "question deserves a look."
        ),
        "discrimination": (
            f"Bar chart of the discrimination index of {questions}, on a scale from -100 to "
            f"100 with zero in the middle and a dashed line at {DISCRIMINATION_WORTH_A_LOOK}. "
            + (
                f"{undefined} of them {'has' if undefined == 1 else 'have'} not enough data yet. "
                if undefined
                else ""
            )
            + "Each value is printed beside its question and listed in the questions table."
        ),
    }
