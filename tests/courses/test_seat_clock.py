"""Seat time is wall-clock time (DESIGN.md section 4, courses/progress.py): a learner is
credited for at most one module at a time, so the reading time credited to them over all
modules of all courses never exceeds the time that passed, whatever they open in parallel."""

import threading
from datetime import timedelta

from django.db.models import F, Min, Sum
from django.utils import timezone

import pytest

from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress, SeatClock
from courses.progress import (
    learner_progress,
    mark_complete,
    minimum_seconds,
    record_heartbeat,
    record_view,
)
from tests.concurrency import needs_postgresql, race
from tests.conftest import build_course
from tests.factories import UserFactory

INTERVAL = 30


@pytest.fixture(autouse=True)
def seat_time_settings(settings):
    settings.SEAT_TIME_HEARTBEAT_SECONDS = INTERVAL
    settings.SEAT_TIME_SCALE = 1.0


@pytest.fixture
def long_course(catalog):
    """Eleven modules, as in the reported exploit."""
    return build_course(catalog, modules=11, title="Eleven modules")


def modules_of(course):
    return list(ModulePage.objects.child_of(course).order_by("path"))


def view_all(learner, course, now):
    """Enroll and open every module of the course at `now`; the progress rows, in order."""
    enrollment, _ = enroll(learner, course)
    return [record_view(enrollment, module, now=now) for module in modules_of(course)]


def credited(learner):
    """Seconds credited to the learner, summed over all modules of all courses."""
    rows = ModuleProgress.objects.filter(enrollment__user=learner)
    return rows.aggregate(total=Sum("seconds_credited"))["total"] or 0


def first_view(learner):
    return ModuleProgress.objects.filter(enrollment__user=learner).aggregate(
        first=Min("first_viewed_at")
    )["first"]


def time_passes(learner, seconds):
    """As if `seconds` passed: move every moment recorded for the learner back that much."""
    back = timedelta(seconds=seconds)
    ModuleProgress.objects.filter(enrollment__user=learner).update(
        first_viewed_at=F("first_viewed_at") - back, last_activity_at=F("last_activity_at") - back
    )
    SeatClock.objects.filter(pk=learner.pk).update(last_credit_at=F("last_credit_at") - back)


def clock_of(learner):
    return SeatClock.objects.get(pk=learner.pk).last_credit_at


# The parallel exploit, through the functions -------------------------------------------


@pytest.mark.parametrize("earlier_credit", [False, True], ids=["first-credit", "clock-exists"])
@pytest.mark.parametrize("reread", [False, True], ids=["rows-read-at-view", "rows-read-per-beat"])
def test_heartbeats_to_eleven_open_modules_credit_only_the_time_that_passed(
    learner, long_course, reread, earlier_credit
):
    if earlier_credit:  # read something yesterday
        SeatClock.objects.create(user=learner, last_credit_at=timezone.now() - timedelta(days=1))
    modules = modules_of(long_course)
    enroll(learner, long_course)
    # Opened in eleven tabs: each row read with the seat clock as it stood then.
    opened = [learner_progress(learner, module, long_course)[1] for module in modules]
    t0 = first_view(learner)
    rounds = 12  # 12 beats a tab: 66 minutes credited in 6, before the seat clock
    for n in range(1, rounds + 1):
        for i, (module, progress) in enumerate(zip(modules, opened, strict=True)):
            if reread:  # as the heartbeat view does
                progress = learner_progress(learner, module, long_course)[1]
            record_heartbeat(progress, now=t0 + timedelta(seconds=n * INTERVAL + i / 10))
    elapsed = timedelta(seconds=rounds * INTERVAL + 1).total_seconds()
    assert credited(learner) <= elapsed
    assert credited(learner) == rounds * INTERVAL  # one module a beat, as one tab would get
    assert SeatClock.objects.filter(user=learner).count() == 1


def test_a_beat_too_soon_after_another_modules_credit_changes_nothing(learner, course):
    first, second, _ = view_all(learner, course, timezone.now() - timedelta(minutes=10))
    now = timezone.now()
    assert record_heartbeat(first, now=now) == INTERVAL
    before = ModuleProgress.objects.filter(pk=second.pk).values().get()
    assert record_heartbeat(second, now=now + timedelta(seconds=INTERVAL * 0.8 - 1)) == 0
    assert ModuleProgress.objects.filter(pk=second.pk).values().get() == before
    assert clock_of(learner) == now
    # A full interval after the other module's credit, this one is credited in turn.
    later = now + timedelta(seconds=INTERVAL)
    assert record_heartbeat(second, now=later) == INTERVAL
    assert clock_of(learner) == later


def test_mark_complete_on_eleven_modules_opened_together_completes_one(learner, long_course):
    t0 = timezone.now() - timedelta(hours=1)
    rows = view_all(learner, long_course, t0)
    modules = modules_of(long_course)
    minimum = minimum_seconds(modules[0], long_course)
    done = t0 + timedelta(seconds=minimum)
    results = [
        mark_complete(progress, module, long_course, now=done + timedelta(seconds=i / 10))
        for i, (progress, module) in enumerate(zip(rows, modules, strict=True))
    ]
    assert [r.completed for r in results] == [True] + [False] * 10
    assert ModuleProgress.objects.filter(completed_at__isnull=False).count() == 1
    assert credited(learner) <= (done + timedelta(seconds=1) - t0).total_seconds()
    assert all(r.remaining_seconds >= minimum - 1 for r in results[1:])


def test_the_clock_is_the_learners_not_the_courses(catalog, learner, course):
    other = build_course(catalog, modules=2, title="Second course")
    t0 = timezone.now() - timedelta(hours=2)
    ours, theirs = view_all(learner, course, t0)[0], view_all(learner, other, t0)[0]
    for n in range(1, 11):
        for i, progress in enumerate((ours, theirs)):
            record_heartbeat(progress, now=t0 + timedelta(seconds=n * INTERVAL + i))
    assert credited(learner) == 10 * INTERVAL
    # Without JavaScript: both modules opened at t0, both marked complete a minimum later.
    a, b = view_all(learner, course, t0)[1], view_all(learner, other, t0)[1]
    module_a, module_b = modules_of(course)[1], modules_of(other)[1]
    at = t0 + timedelta(seconds=10 * INTERVAL + minimum_seconds(module_a, course))
    first = mark_complete(a, module_a, course, now=at)
    second = mark_complete(b, module_b, other, now=at + timedelta(seconds=1))
    assert first.completed and not second.completed
    assert credited(learner) <= (at + timedelta(seconds=1) - t0).total_seconds()


def test_another_learners_clock_is_theirs(learner, course):
    other = UserFactory()
    t0 = timezone.now() - timedelta(hours=1)
    mine, theirs = view_all(learner, course, t0)[0], view_all(other, course, t0)[0]
    at = t0 + timedelta(minutes=5)
    assert record_heartbeat(mine, now=at) == INTERVAL
    assert record_heartbeat(theirs, now=at) == INTERVAL


# Reading one module after another still works ------------------------------------------


def test_reading_module_after_module_with_heartbeats_credits_each(learner, course):
    t = timezone.now() - timedelta(hours=1)
    start = t
    enrollment, _ = enroll(learner, course)
    for module in modules_of(course)[:2]:
        progress = record_view(enrollment, module, now=t)
        minimum = minimum_seconds(module, course)
        for _ in range(minimum // INTERVAL):
            t += timedelta(seconds=INTERVAL)
            assert record_heartbeat(progress, now=t) == INTERVAL
        assert progress.seconds_credited == minimum
        assert mark_complete(progress, module, course, now=t).newly_completed
        t += timedelta(seconds=2)  # following the link to the next module
    assert credited(learner) <= (t - start).total_seconds()
    assert ModuleProgress.objects.filter(completed_at__isnull=False).count() == 2


def test_reading_straight_through_without_javascript_completes_each_module(learner, course):
    t = timezone.now() - timedelta(hours=1)
    enrollment, _ = enroll(learner, course)
    for module in modules_of(course):
        minimum = minimum_seconds(module, course)
        progress = record_view(enrollment, module, now=t)
        early = mark_complete(progress, module, course, now=t + timedelta(seconds=minimum - 60))
        assert not early.completed and early.remaining_seconds == 60
        t += timedelta(seconds=minimum)
        result = mark_complete(progress, module, course, now=t)
        assert result.completed and result.newly_completed
        assert progress.seconds_credited == minimum
    assert ModuleProgress.objects.filter(completed_at__isnull=False).count() == 3


def test_the_first_credit_makes_the_clock(learner, course):
    progress = view_all(learner, course, timezone.now() - timedelta(minutes=1))[0]
    assert not SeatClock.objects.filter(pk=learner.pk).exists()
    now = timezone.now()
    assert record_heartbeat(progress, now=now) == INTERVAL
    assert clock_of(learner) == now
    progress.refresh_from_db()
    assert (progress.seconds_credited, progress.last_activity_at) == (INTERVAL, now)


# Through the views --------------------------------------------------------------------


def heartbeat_url(module):
    return module.url + "heartbeat/"


def complete_url(module):
    return module.url + "complete/"


def test_heartbeat_view_credits_one_of_eleven_open_tabs(client, learner, long_course):
    enroll(learner, long_course)
    client.force_login(learner)
    modules = modules_of(long_course)
    for module in modules:
        assert client.get(module.url).status_code == 200
    rounds = 3
    for _ in range(rounds):
        time_passes(learner, INTERVAL)
        answers = [client.post(heartbeat_url(module)).json() for module in modules]
        assert [a["credited_seconds"] for a in answers] == [INTERVAL] + [0] * 10
    assert credited(learner) == rounds * INTERVAL
    assert credited(learner) <= (timezone.now() - first_view(learner)).total_seconds()


def test_complete_view_completes_one_of_eleven_open_tabs(client, learner, long_course):
    enroll(learner, long_course)
    client.force_login(learner)
    modules = modules_of(long_course)
    for module in modules:
        client.get(module.url)
    time_passes(learner, minimum_seconds(modules[0], long_course))
    answers = [client.post(complete_url(module)) for module in modules]
    assert answers[0].url == modules[1].url  # completed: on to the next module
    assert [a.url for a in answers[1:]] == [m.url for m in modules[1:]]  # keep reading
    assert ModuleProgress.objects.filter(completed_at__isnull=False).count() == 1
    assert "more minute" in client.get(modules[1].url).text


def test_one_heartbeat_costs_a_fixed_number_of_queries(
    client, learner, course, django_assert_num_queries
):
    module = modules_of(course)[0]
    enroll(learner, course)
    client.force_login(learner)
    client.get(module.url)
    for _ in range(2):  # a clock exists; the heartbeat's route is kept (cms/routing.py)
        time_passes(learner, INTERVAL)
        client.post(heartbeat_url(module))
    time_passes(learner, INTERVAL)
    # Session, user, progress row with the seat clock (the course is kept for the content
    # generation: courses.models.kept_courses); the clock's and the row's conditional UPDATEs
    # in one transaction: here a savepoint and its release inside the test's transaction
    # (BEGIN and COMMIT in production, which Django does not log).
    with django_assert_num_queries(7) as captured:
        response = client.post(heartbeat_url(module))
    assert response.json()["credited_seconds"] == INTERVAL
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("UPDATE") == 2
    assert sum("SAVEPOINT" in q["sql"] for q in captured.captured_queries) == 2


# Two tabs at the same instant, on PostgreSQL -------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("earlier_credit", [False, True], ids=["first-credit", "clock-exists"])
def test_two_tabs_heartbeating_two_modules_at_once_credit_one(catalog, earlier_credit):
    needs_postgresql()
    course = build_course(catalog, modules=2, title="Race")
    learner = UserFactory()
    t0 = timezone.now() - timedelta(minutes=10)
    if earlier_credit:
        SeatClock.objects.create(user=learner, last_credit_at=t0)
    view_all(learner, course, t0)
    now = timezone.now()
    tabs = iter(modules_of(course))
    lock = threading.Lock()

    def heartbeat():
        with lock:
            module = next(tabs)
        progress = learner_progress(learner, module, course)[1]
        return record_heartbeat(progress, now=now)

    results, errors = race(2, heartbeat)
    assert not errors and sorted(results) == [0, INTERVAL]
    assert credited(learner) == INTERVAL
    assert clock_of(learner) == now


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_completing_two_modules_at_once_complete_one(catalog):
    needs_postgresql()
    course = build_course(catalog, modules=2, title="Race")
    learner = UserFactory()
    modules = modules_of(course)
    minimum = minimum_seconds(modules[0], course)
    view_all(learner, course, timezone.now() - timedelta(seconds=minimum))
    now = timezone.now()
    tabs = iter(modules)
    lock = threading.Lock()

    def complete():
        with lock:
            module = next(tabs)
        progress = learner_progress(learner, module, course)[1]
        return mark_complete(progress, module, course, now=now).completed

    results, errors = race(2, complete)
    assert not errors and sorted(results) == [False, True]
    assert credited(learner) == minimum
