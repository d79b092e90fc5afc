"""Unsubscribing from optional emails: a signed link, a page that asks, a POST that turns the
kind off; the profile turns it back on (accounts/unsubscribe.py)."""

from django.core import signing
from django.test import Client
from django.urls import reverse

import pytest

from accounts import unsubscribe


def url(user, kind):
    return reverse("accounts:unsubscribe", args=[unsubscribe.make_token(user, kind)])


def test_the_page_asks_and_the_post_unsubscribes(client, learner):
    link = url(learner, "renewal_reminder")
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop sending me licence renewal reminders?" in page.text
    assert page["Cache-Control"].startswith("max-age=0")
    learner.refresh_from_db()
    assert learner.renewal_reminders
    response = client.post(link)
    assert "no longer receive licence renewal reminders" in response.text
    learner.refresh_from_db()
    assert not learner.renewal_reminders
    assert learner.course_reminders
    assert "already unsubscribed" in client.get(link).text


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(learner):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(url(learner, "course_reminder"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    learner.refresh_from_db()
    assert not learner.course_reminders


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"u": 1, "k": "course_reminder"}, salt="another.salt"),
        signing.dumps({"u": 1, "k": "certificate"}, salt=unsubscribe.SALT),
        signing.dumps({"u": "1", "k": "course_reminder"}, salt=unsubscribe.SALT),
        signing.dumps({"u": 999999, "k": "course_reminder"}, salt=unsubscribe.SALT),
    ],
)
def test_a_bad_link_says_so_and_changes_nothing(client, learner, token):
    for method in (client.get, client.post):
        response = method(reverse("accounts:unsubscribe", args=[token]))
        assert response.status_code == 400
        assert "not valid" in response.text
    learner.refresh_from_db()
    assert learner.course_reminders and learner.renewal_reminders


def test_a_confirmation_token_cannot_unsubscribe(client, learner):
    from accounts.confirmation import make_token

    response = client.post(reverse("accounts:unsubscribe", args=[make_token(learner)]))
    assert response.status_code == 400


def test_only_optional_kinds_have_links(learner):
    with pytest.raises(ValueError, match="Unknown"):
        unsubscribe.make_token(learner, "confirm_email")


def test_the_profile_turns_reminders_back_on(client, learner):
    client.post(url(learner, "course_reminder"))
    client.force_login(learner)
    page = client.get(reverse("accounts:profile")).text
    assert "Reminders of unfinished courses" in page
    assert "Licence renewal reminders" in page
    response = client.post(
        reverse("accounts:profile"),
        {
            "email": learner.email,
            "legal_name": learner.legal_name,
            "renewal_period_months": "24",
            "course_reminders": "on",
            "renewal_reminders": "on",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.course_reminders and learner.renewal_reminders
