"""Admin reports: quiz statistics, course rosters and evaluations, each exportable as CSV.

The lists of quizzes and courses are Wagtail reports (cms.admin_reports). The report of one
quiz or course stays a view of its own: charts, a funnel and evaluation summaries around
rows computed in Python (quizzes.statistics, quizzes.reports), not a queryset to list."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from wagtail.admin.ui.tables import Column, TitleColumn

from cms.admin_reports import AdminReportView
from cms.charts import funnel_chart
from cms.spreadsheets import csv_response
from courses.models import CoursePage
from courses.roles import INSTRUCTORS, REVIEWERS

from .models import Attempt, Quiz
from .reports import (
    course_funnel,
    course_parts,
    course_roster,
    evaluation_summary,
    funnel_description,
    quiz_report_charts,
)
from .statistics import quiz_statistics


def can_see_quiz_statistics(user):
    """Quiz statistics hold no learner's identity; they are part of quiz authoring, so
    administrators, reviewers and instructors see them."""
    return user.is_active and (
        user.is_superuser or user.groups.filter(name__in=[INSTRUCTORS, REVIEWERS]).exists()
    )


def can_see_rosters(user):
    """Course rosters name learners with their licence numbers: administrators only."""
    return user.is_active and user.is_superuser


def _guard(request, rule=can_see_quiz_statistics):
    if not rule(request.user):
        raise PermissionDenied


def quiz_belongs_to(quiz):
    """The module a quiz belongs to, or the course whose final exam it is."""
    return quiz.module.title if quiz.module else f"Final exam of {quiz.course.title}"


class QuizList(AdminReportView):
    """Every quiz, by title, each opening its statistics."""

    access_rule = staticmethod(can_see_quiz_statistics)
    page_title = "Quiz statistics"
    header_icon = "tasks"
    index_url_name = "quiz_reports"
    paginate_by = None  # a page of every quiz, as before (there are a few dozen)
    verbose_name_plural = "quizzes"
    columns = [
        TitleColumn("title", label="Quiz", url_name="quiz_report"),
        Column("belongs_to", label="Belongs to", accessor=quiz_belongs_to),
        Column("pass_mark", label="Pass mark", accessor=lambda quiz: f"{quiz.pass_mark}%"),
    ]

    def get_base_queryset(self):
        return Quiz.objects.select_related("module", "course").order_by("title")


def quiz_report(request, quiz_id):
    _guard(request)
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    stats = quiz_statistics(
        Attempt.objects.filter(quiz=quiz, status=Attempt.SUBMITTED).only(
            "snapshot", "answers", "score", "passed"
        )
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            f"quiz-{quiz.pk}-statistics.csv",
            ["question", "attempts", "facility index (%)", "discrimination index"],
            [(q.prompt, q.attempts, q.facility, q.discrimination) for q in stats.questions],
        )
    return render(
        request,
        "quizzes/admin/quiz_report.html",
        {"quiz": quiz, "stats": stats, **quiz_report_charts(quiz, stats)},
    )


class CourseList(AdminReportView):
    """Every course, by title, each opening its roster, funnel and evaluations."""

    access_rule = staticmethod(can_see_rosters)
    page_title = "Course rosters"
    header_icon = "group"
    index_url_name = "course_reports"
    paginate_by = None  # a page of every course, as before
    verbose_name_plural = "courses"
    columns = [TitleColumn("title", label="Course", url_name="course_report")]

    def get_base_queryset(self):
        return CoursePage.objects.defer_streamfields().order_by("title")


def course_report(request, course_id):
    _guard(request, can_see_rosters)
    course = get_object_or_404(CoursePage.objects.defer_streamfields(), pk=course_id)
    parts = course_parts(course)
    roster = course_roster(course, parts)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"{course.slug}-roster-{timezone.localdate():%Y-%m-%d}.csv",
            [
                "legal name",
                "email",
                "licence number",
                "licence state",
                "NCBTMB number",
                "enrolled",
                "modules read",
                "modules",
                "quizzes passed",
                "quizzes",
                "evaluation submitted",
                "completed",
            ],
            [
                (
                    r.user.legal_name,
                    r.user.email,
                    r.user.licence_number,
                    r.user.licence_state,
                    r.user.ncbtmb_number,
                    r.enrollment.enrolled_at.date().isoformat(),
                    r.modules_read,
                    r.modules_total,
                    r.quizzes_passed,
                    r.quizzes_total,
                    "yes" if r.evaluated else "no",
                    r.completed_at.date().isoformat() if r.completed_at else "",
                )
                for r in roster
            ],
        )
    stages = course_funnel(course, parts)
    return render(
        request,
        "quizzes/admin/course_report.html",
        {
            "course": course,
            "roster": roster,
            "funnel": funnel_chart(stages),
            "funnel_stages": stages,
            "funnel_description": funnel_description(stages),
            "evaluations": evaluation_summary(course),
        },
    )
