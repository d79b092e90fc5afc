"""Faults: the database going away mid-request, crashes between the steps that record what
a learner earned, the task worker down, Redis down. After each, the database is consistent
and nothing earned is lost."""

from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from certificates.models import Certificate
from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes import attempts
from quizzes.attempts import start_attempt
from quizzes.models import Attempt, CourseCompletion
from tests.concurrency import end_backend, needs_postgresql
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, right_answers
from tests.services import UNREACHABLE_REDIS_URL, redis_cache_settings

PASSWORD = "a-long-password-1"


@pytest.fixture
def setup(course):
    """A learner who has read every module of `course` and has an open attempt at its only
    quiz: passing it completes the course."""
    course.evaluation_required = False
    course.save()
    learner = UserFactory(email="learner@example.com", password=PASSWORD)
    enrollment, _ = enroll(learner, course)
    for module in ModulePage.objects.child_of(course):
        progress = record_view(enrollment, module)
        ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    quiz = make_quiz(module=ModulePage.objects.child_of(course).first(), max_attempts=3)
    attempt = start_attempt(learner, quiz)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    return learner, attempt, client


def crash_at(monkeypatch, target):
    """Make `target` (a dotted name) die as a killed process would, mid-request."""

    def crash(*args, **kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(target, crash)


def submit_right_answers(client, attempt):
    data = {f"q-{qid}": choices for qid, choices in right_answers(attempt).items()}
    return client.post(reverse("quizzes:take", args=[attempt.pk]), {**data, "submit": "1"})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_killed_mid_request_gives_an_error_page_and_a_consistent_database(
    setup, monkeypatch
):
    needs_postgresql()
    learner, attempt, client = setup
    score = attempts.score_attempt

    def score_then_lose_the_database(*args, **kwargs):
        result = score(*args, **kwargs)
        end_backend(connection.connection.info.backend_pid)
        return result

    monkeypatch.setattr(attempts, "score_attempt", score_then_lose_the_database)
    response = submit_right_answers(client, attempt)
    assert response.status_code == 500
    assert "Nothing you had already completed has been lost" in response.text
    connection.close()  # the killed connection; the next query opens a new one

    attempt.refresh_from_db()
    assert attempt.status == Attempt.OPEN and attempt.score is None
    assert not CourseCompletion.objects.exists() and not Certificate.objects.exists()

    # The learner simply sends the answers again.
    monkeypatch.setattr(attempts, "score_attempt", score)
    response = submit_right_answers(client, attempt)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.SUBMITTED and attempt.passed
    assert Attempt.objects.filter(user=learner, status=Attempt.SUBMITTED).count() == 1
    assert CourseCompletion.objects.count() == 1 and Certificate.objects.count() == 1


def test_a_crash_between_scoring_and_completion_is_repaired_by_the_next_request(
    setup, monkeypatch, django_capture_on_commit_callbacks
):
    learner, attempt, client = setup
    crash_at(monkeypatch, "quizzes.receivers.record_completion_if_complete")
    response = submit_right_answers(client, attempt)
    assert response.status_code == 500
    attempt.refresh_from_db()
    assert attempt.passed  # the score was saved...
    assert not CourseCompletion.objects.exists()  # ...the completion was not

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert response.status_code == 200
    assert CourseCompletion.objects.filter(enrollment__user=learner).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1


def test_a_crash_between_completion_and_certificate_is_repaired_by_the_dashboard(
    setup, monkeypatch, django_capture_on_commit_callbacks
):
    learner, attempt, client = setup
    crash_at(monkeypatch, "certificates.receivers.issue_certificate")
    assert submit_right_answers(client, attempt).status_code == 500
    assert CourseCompletion.objects.count() == 1 and not Certificate.objects.exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    certificate = Certificate.objects.get(user=learner)
    assert certificate.display_code in response.text


def test_the_repair_command_issues_what_crashes_left_and_is_idempotent(
    setup, monkeypatch, django_capture_on_commit_callbacks, capsys
):
    learner, attempt, client = setup
    crash_at(monkeypatch, "quizzes.receivers.record_completion_if_complete")
    assert submit_right_answers(client, attempt).status_code == 500
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("repair_certificates")
    assert "Completions recorded: 1. Certificates issued: 1." in capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("repair_certificates")
    assert "Completions recorded: 0. Certificates issued: 0." in capsys.readouterr().out
    assert CourseCompletion.objects.count() == 1 and Certificate.objects.count() == 1


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the worker closes its database connection
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}})
def test_with_the_task_worker_down_the_certificate_is_issued_and_its_pdf_made_on_download(
    setup, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    learner, attempt, client = setup
    with django_capture_on_commit_callbacks(execute=True):
        assert submit_right_answers(client, attempt).status_code == 302
    certificate = Certificate.objects.get(user=learner)
    assert not certificate.pdf  # queued for a worker that is not running
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    response = client.get(reverse("certificates:pdf", args=[certificate.display_code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.pdf

    # When a worker comes back, the queued task finds the PDF made and changes nothing.
    name = certificate.pdf.name
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    certificate.refresh_from_db()
    assert certificate.pdf.name == name


@override_settings(
    CACHES=redis_cache_settings(UNREACHABLE_REDIS_URL),
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
)
def test_with_redis_down_learners_still_sign_in_and_work(setup):
    learner, attempt, _ = setup
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": learner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("quizzes:take", args=[attempt.pk])).status_code == 200
    assert submit_right_answers(client, attempt).status_code == 302
