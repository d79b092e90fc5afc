"""Confirming the email address: sent at sign-up, signed tokens, the final exam waits on it
(accounts/confirmation.py, quizzes/gating.py)."""

import re
import time

from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts import confirmation
from accounts.closing import close_account
from accounts.models import User
from courses.enrollment import enroll
from courses.models import ModulePage
from quizzes.attempts import AttemptRefused, start_attempt
from quizzes.models import Attempt
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, read_all

SIGNUP = {
    "email": "New.Learner@Example.com",
    "legal_name": "Nia Learner",
    "licence_number": "",
    "licence_state": "",
    "ncbtmb_number": "",
    "password1": "kneading-knots-2026",
    "password2": "kneading-knots-2026",
}
RESEND = reverse("accounts:resend_confirmation")


def link_in(message):
    """The confirmation link (path) in an email's text."""
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)[1]


@pytest.fixture
def unconfirmed(db):
    return UserFactory(email_confirmed_at=None)


def confirm_url(user):
    return reverse("accounts:confirm_email", args=[confirmation.make_token(user)])


# --- Sign-up sends it --------------------------------------------------------------------------


def test_signup_sends_the_confirmation_as_text_and_html(client, db):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email_confirmed_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.learner@example.com"]
    assert message.subject == "Confirm your email address"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    path = link_in(message)
    assert path in html
    assert "List-Unsubscribe" not in message.extra_headers  # not optional: no unsubscribe
    # Following the link: GET asks, POST confirms.
    page = client.get(path)
    assert "Confirm my email address" in page.text
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    response = client.post(path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_signup_succeeds_when_the_mail_server_is_down(client, db, settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_email_confirmation.BrokenBackend"
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert User.objects.get().email_confirmed_at is None


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


# --- Tokens ------------------------------------------------------------------------------------


def test_confirming_twice_keeps_the_first_time(client, unconfirmed):
    url = confirm_url(unconfirmed)
    client.post(url)
    unconfirmed.refresh_from_db()
    first = unconfirmed.email_confirmed_at
    assert client.get(url).text.count("already confirmed") == 1
    client.post(url)
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at == first


def test_an_expired_link_says_so_and_changes_nothing(client, unconfirmed, monkeypatch):
    eight_days_ago = time.time() - 8 * 24 * 60 * 60
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: eight_days_ago)
        expired = confirmation.make_token(unconfirmed)
    for method in (client.get, client.post):
        response = method(reverse("accounts:confirm_email", args=[expired]))
        assert response.status_code == 400
        assert "expired" in response.text
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is None


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJ1IjoxfQ:1tZ0aB:forgedsignatureforgedsignature",
        signing.dumps({"u": 1, "e": "x@example.com"}, salt="another.salt"),
        signing.dumps({"u": "1", "e": "x@example.com"}, salt=confirmation.SALT),
        signing.dumps(["not", "a", "dict"], salt=confirmation.SALT),
    ],
)
def test_a_forged_or_malformed_link_is_refused(client, unconfirmed, token):
    for method in (client.get, client.post):
        response = method(reverse("accounts:confirm_email", args=[token]))
        assert response.status_code == 400
        assert "not valid" in response.text
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is None


def test_a_token_with_another_users_payload_is_refused(client, unconfirmed):
    other = UserFactory(email_confirmed_at=None)
    _payload, timestamp, signature = confirmation.make_token(unconfirmed).rsplit(":", 2)
    other_payload = confirmation.make_token(other).rsplit(":", 2)[0]
    tampered = f"{other_payload}:{timestamp}:{signature}"
    response = client.post(reverse("accounts:confirm_email", args=[tampered]))
    assert response.status_code == 400
    assert "not valid" in response.text
    other.refresh_from_db()
    assert other.email_confirmed_at is None


def test_a_link_to_an_old_address_confirms_nothing(client, unconfirmed):
    url = confirm_url(unconfirmed)
    User.objects.filter(pk=unconfirmed.pk).update(email="moved@example.com")
    response = client.post(url)
    assert response.status_code == 400
    assert "no longer on the account" in response.text
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is None


def test_a_closed_account_cannot_be_confirmed(client, unconfirmed):
    token = confirmation.make_token(unconfirmed)
    close_account(unconfirmed)
    response = client.post(reverse("accounts:confirm_email", args=[token]))
    assert response.status_code == 400
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is None


def test_changing_the_address_in_the_profile_asks_to_confirm_it_again(client, learner):
    assert learner.email_confirmed_at is not None
    client.force_login(learner)
    form = {
        "email": "fresh@example.com",
        "legal_name": learner.legal_name,
        "licence_number": "",
        "licence_state": "",
        "ncbtmb_number": "",
        "ce_hours_required": "",
        "renewal_due_on": "",
        "renewal_period_months": "24",
        "course_reminders": "on",
        "renewal_reminders": "on",
    }
    response = client.post(reverse("accounts:profile"), form)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.email == "fresh@example.com"
    assert learner.email_confirmed_at is None
    assert [m.to for m in mail.outbox] == [["fresh@example.com"]]
    # Saving again without changing the address sends nothing and keeps it as it is.
    client.post(reverse("accounts:profile"), form)
    assert len(mail.outbox) == 1


def test_saving_the_profile_unchanged_keeps_the_confirmation(client, learner):
    client.force_login(learner)
    form = {
        "email": learner.email.upper(),
        "legal_name": learner.legal_name,
        "renewal_period_months": "24",
    }
    assert client.post(reverse("accounts:profile"), form).status_code == 302
    learner.refresh_from_db()
    assert learner.email_confirmed_at is not None
    assert not mail.outbox


# --- Resending ---------------------------------------------------------------------------------


def test_resend_sends_a_new_link_and_returns_to_the_page(client, unconfirmed):
    client.force_login(unconfirmed)
    response = client.post(RESEND, {"next": "/quizzes/1/"})
    assert response.status_code == 302
    assert response.url == "/quizzes/1/"
    assert len(mail.outbox) == 1
    client.post(link_in(mail.outbox[0]))
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed_at is not None


def test_resend_is_limited_per_learner(client, unconfirmed):
    client.force_login(unconfirmed)
    for _ in range(confirmation.RESEND_LIMIT):
        assert client.post(RESEND).status_code == 302
    response = client.post(RESEND)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == confirmation.RESEND_LIMIT


def test_resend_to_a_confirmed_address_sends_nothing(client, learner):
    client.force_login(learner)
    response = client.post(RESEND, follow=True)
    assert "already confirmed" in response.text
    assert not mail.outbox


def test_resend_needs_a_signed_in_learner_and_a_post(client, unconfirmed):
    assert client.post(RESEND).status_code == 302  # to the login page
    client.force_login(unconfirmed)
    assert client.get(RESEND).status_code == 405
    assert not mail.outbox


def test_resend_ignores_an_unsafe_next(client, unconfirmed):
    client.force_login(unconfirmed)
    response = client.post(RESEND, {"next": "https://evil.example/"})
    assert response.url == reverse("accounts:profile")


def test_the_profile_shows_whether_the_address_is_confirmed(client, unconfirmed, learner):
    client.force_login(unconfirmed)
    page = client.get(reverse("accounts:profile")).text
    assert "Confirm your email address" in page
    assert "Send the link again" in page
    client.force_login(learner)
    page = client.get(reverse("accounts:profile")).text
    assert "is confirmed" in page
    assert "Send the link again" not in page


# --- The final exam waits on it ----------------------------------------------------------------


@pytest.fixture
def exam_ready(course):
    """A course whose modules are read (none has a quiz), with a final exam."""
    course.evaluation_required = False
    course.save()
    return make_quiz(course=course, questions=2, title="Final exam")


def test_an_unconfirmed_learner_can_enroll_and_read(client, unconfirmed, course):
    client.force_login(unconfirmed)
    enrollment, created = enroll(unconfirmed, course)
    assert created
    read_all(enrollment)
    module = course.get_children().live().first()
    assert client.get(module.url).status_code == 200


def test_the_final_exam_asks_an_unconfirmed_learner_to_confirm_first(
    client, unconfirmed, course, exam_ready
):
    enrollment, _ = enroll(unconfirmed, course)
    read_all(enrollment)
    client.force_login(unconfirmed)
    detail = reverse("quizzes:detail", args=[exam_ready.pk])
    page = client.get(detail).text
    assert "confirmed your email address" in page
    assert 'class="button" type="submit">Send the link again' in page  # the one next step
    assert "Start final exam" not in page
    # Starting is refused: no attempt, no clock.
    client.post(reverse("quizzes:start", args=[exam_ready.pk]))
    with pytest.raises(AttemptRefused, match="confirmed your email"):
        start_attempt(unconfirmed, exam_ready)
    assert not Attempt.objects.exists()
    # Resend from the exam page, follow the link, and the exam opens.
    response = client.post(RESEND, {"next": detail})
    assert response.url == detail
    client.post(link_in(mail.outbox[-1]))
    page = client.get(detail).text
    assert "Start final exam" in page
    assert start_attempt(User.objects.get(pk=unconfirmed.pk), exam_ready).number == 1


def test_the_course_order_still_comes_first_for_an_unconfirmed_learner(
    client, unconfirmed, course, exam_ready
):
    enroll(unconfirmed, course)
    client.force_login(unconfirmed)
    page = client.get(reverse("quizzes:detail", args=[exam_ready.pk])).text
    assert "every module is read" in page  # the first step is named, with the primary button
    assert "Send the link again" in page  # and confirming is asked too, as a secondary one
    assert 'class="button button--secondary" type="submit">Send the link again' in page


def test_a_confirmed_learner_meets_no_confirmation_step(client, learner, course, exam_ready):
    enrollment, _ = enroll(learner, course)
    read_all(enrollment)
    client.force_login(learner)
    page = client.get(reverse("quizzes:detail", args=[exam_ready.pk])).text
    assert "Start final exam" in page
    assert "Send the link again" not in page


def test_module_quizzes_do_not_wait_on_confirmation(unconfirmed, course):
    module = ModulePage.objects.child_of(course).order_by("path").first()
    quiz = make_quiz(module=module, questions=2)
    enrollment, _ = enroll(unconfirmed, course)
    read_all(enrollment)
    assert start_attempt(unconfirmed, quiz).number == 1


def test_needs_confirmation_is_the_rule():
    assert confirmation.needs_confirmation(User(email_confirmed_at=None))
    assert not confirmation.needs_confirmation(User(email_confirmed_at=timezone.now()))
