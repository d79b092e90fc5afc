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


def test_run_learners_stand_where_the_quiz_traffic_needs_them():
    """Under the course's step order the bench's learners must be able to start what the bench
    sends them to: module-quiz learners have read every module, exam-day learners have also
    passed every module quiz. Everything they leave is removed afterwards."""
    from bench.scenarios import quiz_answer_keys, quiz_queries
    from bench.seed import (
        FINAL_EXAM,
        RUN_DOMAIN,
        delete_run_learners,
        ensure_courses,
        run_learners,
    )
    from courses.models import ModuleProgress
    from quizzes.attempts import AttemptRefused, questions_served, start_attempt
    from quizzes.completion import course_status
    from quizzes.gating import quiz_gate

    course = ensure_courses(SIZE)[0]
    assert course.gating == CoursePage.STRICT
    module_quizzes = list(
        Quiz.objects.filter(module__course_page_id=course.id)
        .prefetch_related("questions__choices")
        .order_by("module__path")
    )
    exam = Quiz.objects.get(course=course)
    readers = run_learners("test-quiz", 2, course)
    finalists = run_learners("test-exam", 2, course, ready_for=FINAL_EXAM)

    reader = Enrollment.objects.get(user=readers[0], course=course)
    status = course_status(reader)
    assert all(m.read and not m.quiz_passed for m in status.modules)
    for quiz in module_quizzes:
        assert quiz_gate(reader, quiz, course).open, quiz
    with pytest.raises(AttemptRefused):
        start_attempt(readers[0], exam)
    assert not Attempt.objects.filter(quiz=exam, user=readers[0]).exists()

    finalist = Enrollment.objects.get(user=finalists[0], course=course)
    status = course_status(finalist)
    assert all(m.complete for m in status.modules) and not status.final_exam_passed
    attempt = start_attempt(finalists[0], exam)
    assert len(attempt.snapshot["questions"]) == questions_served(exam)

    # The start and passing submit that the bench counts queries for go through.
    keys = quiz_answer_keys(module_quizzes)
    quiz_queries(course, module_quizzes[0], keys[module_quizzes[0].id][0], "test")
    counted = Attempt.objects.get(quiz=module_quizzes[0], user__email__startswith="test-quiz-")
    assert counted.passed

    for prefix in ("test-quiz", "test-exam"):
        delete_run_learners(prefix)
    run_users = get_user_model().objects.filter(email__endswith=RUN_DOMAIN)
    assert not run_users.exists()
    assert not Attempt.objects.exists()
    assert not ModuleProgress.objects.filter(enrollment__course=course).exists()
    assert not Enrollment.objects.exists()
