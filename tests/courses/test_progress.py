from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress, SeatClock
from courses.progress import (
    mark_complete,
    minimum_seconds,
    reading_progress,
    record_heartbeat,
    record_view,
)
from courses.signals import module_completed
from tests.conftest import build_course
from tests.factories import UserFactory


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).order_by("path").first()


@pytest.fixture
def progress(learner, course, module):
    enrollment, _ = enroll(learner, course)
    return record_view(enrollment, module)


def age(progress, seconds):
    """Pretend the learner's last activity, on this module and anywhere (their seat clock),
    happened `seconds` ago."""
    then = timezone.now() - timedelta(seconds=seconds)
    ModuleProgress.objects.filter(pk=progress.pk).update(last_activity_at=then)
    SeatClock.objects.filter(pk=progress.enrollment.user_id).update(last_credit_at=then)
    progress.refresh_from_db()


def test_minimum_seat_time_follows_the_module_and_the_course_switch(course, module, settings):
    settings.SEAT_TIME_SCALE = 1.0
    assert minimum_seconds(module, course) == module.estimated_minutes * 60
    settings.SEAT_TIME_SCALE = 0.5
    assert minimum_seconds(module, course) == module.estimated_minutes * 30
    course.require_seat_time = False
    assert minimum_seconds(module, course) == 0


def test_views_do_not_reset_the_clock(progress, learner, course, module):
    started = progress.first_viewed_at
    again = record_view(progress.enrollment, module)
    assert again.pk == progress.pk and again.first_viewed_at == started


def test_heartbeat_credits_at_most_its_interval(progress, settings):
    settings.SEAT_TIME_HEARTBEAT_SECONDS = 30
    age(progress, 31)
    assert record_heartbeat(progress) == 30
    age(progress, 3600)  # the laptop slept for an hour
    assert record_heartbeat(progress) == 30
    assert progress.seconds_credited == 60


def test_a_heartbeat_that_arrives_too_fast_changes_nothing(progress, settings):
    settings.SEAT_TIME_HEARTBEAT_SECONDS = 30
    age(progress, 10)
    before = (progress.seconds_credited, progress.last_activity_at)
    assert record_heartbeat(progress) == 0
    progress.refresh_from_db()
    assert (progress.seconds_credited, progress.last_activity_at) == before


def test_two_requests_cannot_credit_the_same_time(progress, settings):
    settings.SEAT_TIME_HEARTBEAT_SECONDS = 30
    age(progress, 40)
    stale = ModuleProgress.objects.get(pk=progress.pk)
    assert record_heartbeat(progress) == 30
    assert record_heartbeat(stale) == 0  # read before the first credit: refused
    progress.refresh_from_db()
    assert progress.seconds_credited == 30


def test_completion_waits_for_seat_time_and_says_how_long(progress, course, module):
    result = mark_complete(progress, module, course)
    assert not result.completed
    assert result.remaining_minutes == module.estimated_minutes
    progress.refresh_from_db()
    assert progress.completed_at is None


def test_without_javascript_the_time_since_the_first_view_counts_capped(progress, course, module):
    minimum = minimum_seconds(module, course)
    age(progress, minimum * 10)
    received = []
    module_completed.connect(lambda **kw: received.append(kw["progress"].pk), weak=False)
    try:
        result = mark_complete(progress, module, course)
        assert result.completed and result.newly_completed
        progress.refresh_from_db()
        assert progress.seconds_credited == minimum  # capped at the minimum, not 10x
        again = mark_complete(progress, module, course)
        assert again.completed and not again.newly_completed
    finally:
        module_completed.receivers = [
            r for r in module_completed.receivers if "lambda" not in repr(r)
        ]
    assert received == [progress.pk]


def heartbeat_url(module):
    return module.url + "heartbeat/"


def complete_url(module):
    return module.url + "complete/"


def test_heartbeat_view_credits_the_enrolled_learner(client, progress, learner, module):
    client.force_login(learner)
    age(progress, 31)
    response = client.post(heartbeat_url(module))
    assert response.status_code == 200
    assert response.json()["credited_seconds"] == 30
    assert response.json()["remaining_seconds"] == module.estimated_minutes * 60 - 30


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("unenrolled", 403)])
def test_heartbeats_from_outsiders_change_nothing(client, progress, module, who, status):
    if who == "unenrolled":
        client.force_login(UserFactory())
    age(progress, 31)
    response = client.post(heartbeat_url(module))
    assert response.status_code == status
    assert response.json()["detail"]
    progress.refresh_from_db()
    assert progress.seconds_credited == 0
    assert ModuleProgress.objects.count() == 1


def test_heartbeat_without_csrf_is_refused(progress, learner, module):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    age(progress, 31)
    assert client.post(heartbeat_url(module)).status_code == 403
    progress.refresh_from_db()
    assert progress.seconds_credited == 0


def test_heartbeat_needs_post(client, progress, learner, module):
    client.force_login(learner)
    assert client.get(heartbeat_url(module)).status_code == 405


def test_mark_complete_button(client, progress, learner, course, module):
    client.force_login(learner)
    text = client.get(module.url).text
    assert "Mark module complete</button>" in text
    assert "seat-time.js" in text
    response = client.post(complete_url(module), follow=True)
    assert "more minute" in response.text
    age(progress, minimum_seconds(module, course))
    response = client.post(complete_url(module))
    progress.refresh_from_db()
    assert progress.completed_at is not None
    assert response.url == module.next_module().url
    assert "Complete</span>" in client.get(course.url).text


def test_a_learner_never_sees_or_changes_another_learners_progress(
    client, progress, course, module
):
    ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    other = UserFactory()
    enroll(other, course)
    client.force_login(other)
    page = client.get(course.url).text
    assert "Complete</span>" not in page
    assert "0 of 3 modules read" in page
    client.post(complete_url(module))
    client.post(heartbeat_url(module))
    progress.refresh_from_db()
    assert progress.seconds_credited == 0
    assert "<p>0 of 3 modules read</p>" in client.get("/dashboard/").text


def test_dashboard_empty_state(client, learner):
    client.force_login(learner)
    text = client.get("/dashboard/").text
    assert "You are not taking a course yet" in text
    assert 'href="/courses/"' in text


def test_dashboard_shows_progress_and_continue(client, progress, learner, course, module):
    ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    client.force_login(learner)
    text = client.get("/dashboard/").text
    assert "1 of 3 modules read" in text
    assert f'href="{module.next_module().url}"' in text


def test_dashboard_needs_login(client, db):
    assert client.get("/dashboard/").url.startswith("/accounts/login/")


def test_dashboard_queries_do_not_grow_with_enrollments(client, catalog, learner):
    courses = [build_course(catalog, modules=2, title=f"Course {n}") for n in range(20)]
    client.force_login(learner)

    def count():
        for _ in range(2):  # the first view of a fresh site creates its settings row
            client.get("/dashboard/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/dashboard/").status_code == 200
        return len(ctx)

    enroll(learner, courses[0])
    one = count()
    for course in courses[1:]:
        enrollment, _ = enroll(learner, course)
        record_view(enrollment, ModulePage.objects.child_of(course).first())
    assert count() == one


def test_the_module_page_reads_its_row_with_the_enrollment_in_one_query(
    progress, learner, course, module, catalog, django_assert_num_queries
):
    """The learner's own row for this module in this course, nobody else's: its fields as the
    ORM reads them (aware times), the enrollment with its user and course."""
    other_course = build_course(catalog, modules=1, title="Another course")
    other_module = ModulePage.objects.child_of(other_course).get()
    record_view(enroll(learner, other_course)[0], other_module)
    someone = UserFactory()
    record_view(enroll(someone, course)[0], module)

    with django_assert_num_queries(1):
        row = reading_progress(learner, module, course)
        assert row.enrollment.user is learner
        assert (row.enrollment.id, row.enrollment.course_id) == (progress.enrollment_id, course.id)
    stored = ModuleProgress.objects.get(pk=progress.pk)
    assert row.pk == stored.pk
    assert row.first_viewed_at == stored.first_viewed_at and row.first_viewed_at.tzinfo
    assert row.seconds_credited == stored.seconds_credited and row.completed_at is None
    assert reading_progress(learner, other_module, course) is None
    assert reading_progress(UserFactory(), module, course) is None
