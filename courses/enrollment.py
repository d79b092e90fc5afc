"""Enrolling learners in courses."""

from django.db import IntegrityError, transaction

from wagtail.models import Page

from .models import CoursePage, Enrollment, ModuleProgress


class EnrollmentRefused(Exception):
    """The learner may not enroll; the message says why and what to do."""


def missing_prerequisites(user, course):
    """Prerequisite courses the learner has not completed yet, in tree order."""
    required = list(course.prerequisite_courses.order_by("path"))
    if not required:
        return []
    completed = set(
        Enrollment.objects.filter(
            user=user, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return [prerequisite for prerequisite in required if prerequisite.id not in completed]


def enroll(user, course):
    """Enroll a learner once; return (enrollment, created).

    Refuses courses that are not live and courses whose prerequisites the learner has not
    completed. A repeated or concurrent request returns the existing enrollment: the unique
    constraint decides, not a prior check.
    """
    course = CoursePage.objects.get(id=course.id)
    if not course.live:
        raise EnrollmentRefused("This course is not open for enrollment.")
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing:
        return existing, False
    missing = missing_prerequisites(user, course)
    if missing:
        titles = ", ".join(f"“{c.title}”" for c in missing)
        raise EnrollmentRefused(f"Complete {titles} before enrolling in this course.")
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course), True
    except IntegrityError:
        return Enrollment.objects.get(user=user, course=course), False


def enrollment_for(user, course):
    """The learner's enrollment in the course, or None (also for anonymous visitors)."""
    if not user.is_authenticated:
        return None
    enrollment = Enrollment.objects.filter(user=user, course_id=course.id).first()
    if enrollment is not None:
        enrollment.user = user  # the caller holds it: no second read of the same row
    return enrollment


def pages_with_learner_records(pages):
    """Those of the pages (or pages below them) that hold enrollments or module progress.

    Such pages must not be deleted: the records are kept for at least six years.
    """
    kept = []
    for page in pages:
        subtree = Page.objects.descendant_of(page, inclusive=True).values("id")
        if (
            Enrollment.objects.filter(course_id__in=subtree).exists()
            or ModuleProgress.objects.filter(module_id__in=subtree).exists()
        ):
            kept.append(page)
    return kept
