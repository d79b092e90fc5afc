"""The benchmark's seeder (bench/seed.py) at its tiny size, so it keeps up with the models."""

from django.contrib.auth import get_user_model
from django.db.models import Count

import pytest

from bench.seed import LEARNER_DOMAIN, ensure_seeded
from bench.sizes import SIZES
from certificates.codes import display
from certificates.models import Certificate
from courses.models import CoursePage, Enrollment, ModulePage
from quizzes.models import Attempt, CourseCompletion, Quiz

pytestmark = pytest.mark.django_db

SIZE = SIZES["tiny"]


def bench_learners():
    return get_user_model().objects.filter(email__endswith=f"@{LEARNER_DOMAIN}")


def test_tiny_seed_has_the_sizes_counts_and_a_learner_sees_the_dashboard(client):
    counts, seeded = ensure_seeded(SIZE, log=lambda *args: None)

    assert seeded
    assert counts["courses"] == SIZE.courses
    assert counts["learners"] == bench_learners().count() == SIZE.learners
    assert counts["attempts"] == Attempt.objects.count() == SIZE.attempts
    assert counts["certificates"] == Certificate.objects.count() == SIZE.certificates
    assert CourseCompletion.objects.count() == SIZE.certificates
    assert Enrollment.objects.filter(completed_at__isnull=False).count() == SIZE.certificates
    assert counts["enrollments"] == Enrollment.objects.count()

    # Real published pages: every course has its modules, each module its quiz, plus a final exam.
    courses = CoursePage.objects.live()
    assert courses.count() == SIZE.courses
    for course in courses:
        modules = ModulePage.objects.live().child_of(course)
        assert modules.count() == SIZE.modules_per_course
        assert Quiz.objects.filter(module__in=modules).count() == SIZE.modules_per_course
        assert Quiz.objects.filter(course=course).count() == 1

    # The database decides uniqueness; the seed must not break what it guards.
    assert not (
        Attempt.objects.values("quiz", "user", "number").annotate(n=Count("id")).filter(n__gt=1)
    )
    # Every completed enrollment holds a passed final exam.
    for enrollment in Enrollment.objects.filter(completed_at__isnull=False):
        assert Attempt.objects.filter(
            enrollment=enrollment, quiz__course_id=enrollment.course_id, passed=True
        ).exists()

    # Seeding again is skipped: the marker row says the size is there.
    assert ensure_seeded(SIZE, log=lambda *args: None) == (counts, False)

    certificate = Certificate.objects.select_related("user").order_by("id").first()
    client.force_login(certificate.user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.course_title in page or certificate.course.title in page
    assert display(certificate.code) in page or certificate.code in page
    in_progress = Enrollment.objects.filter(user=certificate.user, completed_at__isnull=True)
    for enrollment in in_progress.select_related("course"):
        assert enrollment.course.title in page
