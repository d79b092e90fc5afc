import socket

from django.utils import timezone

import pytest

from certificates.models import Certificate
from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.completion import record_completion_if_complete


@pytest.fixture
def certificate(learner, course, django_capture_on_commit_callbacks):
    course.evaluation_required = False
    course.save()
    enrollment, _ = enroll(learner, course)
    for module in ModulePage.objects.child_of(course):
        progress = record_view(enrollment, module)
        ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    # Completing the course issues the certificate through the course_completed hook.
    with django_capture_on_commit_callbacks(execute=True):
        record_completion_if_complete(enrollment)
    return Certificate.objects.get(enrollment=enrollment)


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to resolve or connect fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
