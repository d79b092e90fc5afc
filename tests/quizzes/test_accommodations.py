"""Accommodations: one learner, one quiz, extra attempts, more time or an earlier retry; every
grant audited and shown to the learner (quizzes/accommodations.py, accommodations_admin.py)."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from quizzes.accommodations import combine
from quizzes.attempts import AttemptRefused, start_attempt, start_state, submit
from quizzes.models import Accommodation, Attempt
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, wrong_answers


@pytest.fixture
def admin(db):
    return UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)


def grant(learner, quiz, **values):
    return Accommodation.objects.create(
        user=learner, quiz=quiz, reason="Documented accommodation", **values
    )


def fail(learner, quiz, now=None):
    attempt = start_attempt(learner, quiz, now=now)
    return submit(attempt, wrong_answers(attempt), now=now)


def grant_data(**values):
    defaults = {"extra_attempts": 0, "time_multiplier": Decimal(1), "retry_from": None}
    return SimpleNamespace(**{**defaults, "granted_at": timezone.now(), **values})


def test_grants_add_up():
    quiz = SimpleNamespace(max_attempts=3, time_limit_minutes=30, retry_delay_minutes=0)
    limits = combine(
        quiz,
        [
            grant_data(extra_attempts=1),
            grant_data(extra_attempts=2, time_multiplier=Decimal("1.5")),
            grant_data(time_multiplier=Decimal("1.25")),
        ],
    )
    assert limits.max_attempts == 6
    assert limits.time_limit_minutes == 45  # the largest multiplier, not their product
    unlimited = SimpleNamespace(max_attempts=0, time_limit_minutes=None, retry_delay_minutes=0)
    assert combine(unlimited, [grant_data(extra_attempts=2)]).max_attempts == 0


def test_one_more_attempt_for_one_learner(learner, enrollment, quiz):
    for _ in range(2):
        fail(learner, quiz)
    with pytest.raises(AttemptRefused, match="used all 2 attempts"):
        start_attempt(learner, quiz)
    grant(learner, quiz, extra_attempts=1)
    assert start_state(learner, quiz).attempts_left == 1
    assert fail(learner, quiz).number == 3
    with pytest.raises(AttemptRefused, match="used all 3 attempts"):
        start_attempt(learner, quiz)
    other = UserFactory()
    assert start_state(other, quiz).allowance.max_attempts == 2  # nobody else gains


def test_longer_time_limit(learner, enrollment, module):
    quiz = make_quiz(module=module, time_limit_minutes=30)
    grant(learner, quiz, time_multiplier=Decimal("1.50"))
    now = timezone.now()
    attempt = start_attempt(learner, quiz, now=now)
    assert attempt.deadline == now + timedelta(minutes=45)


def test_earlier_retry_is_for_the_next_attempt_only(learner, enrollment, module):
    quiz = make_quiz(module=module, retry_delay_minutes=24 * 60, max_attempts=5)
    now = timezone.now()
    fail(learner, quiz, now=now)
    later = now + timedelta(minutes=10)
    state = start_state(learner, quiz, now=later)
    assert not state.allowed and state.next_start == now + timedelta(days=1)
    grant(learner, quiz, retry_from=later, granted_at=later)
    assert start_state(learner, quiz, now=later).allowed
    fail(learner, quiz, now=later)
    # The grant was used: the delay holds again after the attempt it allowed.
    state = start_state(learner, quiz, now=later + timedelta(minutes=5))
    assert not state.allowed
    assert state.next_start == later + timedelta(days=1)


def test_admin_grants_with_a_reason_and_it_is_audited(client, admin, learner, enrollment, quiz):
    client.force_login(admin)
    response = client.post(
        reverse("accommodations:add"),
        {
            "learner_email": learner.email.upper(),
            "quiz": quiz.pk,
            "extra_attempts": 1,
            "time_multiplier": "1.50",
            "retry_from": "",
            "reason": "Letter from the learner's disability services office.",
        },
    )
    assert response.status_code == 302, response.content
    given = Accommodation.objects.get()
    assert (given.user, given.quiz, given.granted_by) == (learner, quiz, admin)
    assert given.reason.startswith("Letter")
    entry = ModelLogEntry.objects.get(object_id=str(given.pk), action="wagtail.create")
    assert entry.user == admin


def test_admin_form_refuses_bad_grants(client, admin, learner, enrollment, quiz):
    client.force_login(admin)
    base = {"quiz": quiz.pk, "time_multiplier": "1.00", "reason": "Because."}
    unknown = client.post(
        reverse("accommodations:add"),
        {**base, "learner_email": "nobody@example.com", "extra_attempts": 1},
    )
    assert "No learner has this email address" in unknown.text
    nothing = client.post(
        reverse("accommodations:add"),
        {**base, "learner_email": learner.email, "extra_attempts": 0},
    )
    assert "Grant at least one of" in nothing.text
    no_reason = client.post(
        reverse("accommodations:add"),
        {**base, "learner_email": learner.email, "extra_attempts": 1, "reason": ""},
    )
    assert no_reason.status_code == 200 and "This field is required" in no_reason.text
    assert not Accommodation.objects.exists()


def test_grants_are_never_edited_or_deleted(client, admin, learner, enrollment, quiz):
    given = grant(learner, quiz, extra_attempts=1)
    client.force_login(admin)
    client.post(
        reverse("accommodations:edit", args=[given.pk]),
        {"quiz": quiz.pk, "extra_attempts": 9, "time_multiplier": "1.00", "reason": "x"},
    )
    client.post(reverse("accommodations:delete", args=[given.pk]))
    given.refresh_from_db()
    assert given.extra_attempts == 1
    assert client.get(reverse("accommodations:inspect", args=[given.pk])).status_code == 200


def test_only_administrators_grant(client, instructor, learner, enrollment, quiz):
    client.force_login(instructor)
    response = client.post(
        reverse("accommodations:add"),
        {
            "learner_email": learner.email,
            "quiz": quiz.pk,
            "extra_attempts": 5,
            "time_multiplier": "1.00",
            "reason": "Please",
        },
    )
    assert response.status_code in (302, 403)
    assert not Accommodation.objects.exists()


def test_learner_sees_grants_attempts_and_next_start(client, learner, enrollment, module):
    quiz = make_quiz(module=module, max_attempts=2, retry_delay_minutes=60)
    fail(learner, quiz)
    grant(learner, quiz, extra_attempts=1, time_multiplier=Decimal("2.00"))
    client.force_login(learner)
    page = client.get(reverse("quizzes:detail", args=[quiz.pk])).text
    assert "1 extra attempt, time limit ×2" in page
    assert "Attempts allowed</dt><dd>3</dd>" in page
    assert "1 (2 left)" in page
    assert "Next attempt</dt><dd>from" in page
    assert "ticking every option scores nothing" in page  # the scoring rule, stated
    result = client.get(reverse("quizzes:result", args=[Attempt.objects.get().pk])).text
    assert "Attempts left: 2." in result
    assert "Your next attempt can start from" in result
