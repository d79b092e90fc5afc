import socket

from django.core import signals
from django.db import close_old_connections
from django.utils import timezone

import pytest

from certificates.models import Certificate
from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.completion import record_completion_if_complete


def complete_course(user, course, capture):
    """Enroll the user, complete every module and the course; return the certificate that
    completing it issues (through the course_completed hook). `capture` is
    django_capture_on_commit_callbacks."""
    enrollment, _ = enroll(user, course)
    for module in ModulePage.objects.child_of(course):
        progress = record_view(enrollment, module)
        ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    with capture(execute=True):
        record_completion_if_complete(enrollment)
    return Certificate.objects.get(enrollment=enrollment)


@pytest.fixture
def certificate(learner, course, django_capture_on_commit_callbacks):
    course.evaluation_required = False
    course.save()
    return complete_course(learner, course, django_capture_on_commit_callbacks)


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to resolve or connect fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def connection_kept_across_requests():
    """For calls straight into the WSGI application (Schemathesis in process): Django closes
    database connections when a request finishes; its test client switches that off, and so
    must these calls, or the test's transaction is lost."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
