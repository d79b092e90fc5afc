"""Times in the learner's own time zone (cms.middleware.LearnerTimeZoneMiddleware)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import User
from certificates.issuing import certificate_facts
from cms.middleware import LearnerTimeZoneMiddleware
from courses.enrollment import enroll
from quizzes.attempts import start_attempt
from quizzes.models import Attempt
from tests.quizzes.conftest import enrollment, make_quiz, module  # noqa: F401 - fixtures

# 19:30 UTC on a winter day far ahead: 14:30 in New York (EST), 19:30 in London (GMT).
DEADLINE = datetime(2099, 1, 15, 19, 30, tzinfo=UTC)


@pytest.fixture
def timed_attempt(learner, enrollment, module):  # noqa: F811 - fixtures
    quiz = make_quiz(module=module, time_limit_minutes=30)
    attempt = start_attempt(learner, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=DEADLINE)
    return attempt


def deadline_text(client, attempt):
    html = client.get(reverse("quizzes:take", args=[attempt.pk])).text
    start = html.index("Submit by ")
    return html[start : html.index("</time>", start)].split(">")[-1]


def test_the_deadline_shows_in_the_learners_zone_with_its_abbreviation(
    client, learner, timed_attempt
):
    User.objects.filter(pk=learner.pk).update(time_zone="America/New_York")
    client.force_login(learner)
    assert deadline_text(client, timed_attempt) == "14:30 EST"


def test_without_a_zone_the_deadline_shows_in_the_site_zone(client, learner, timed_attempt):
    client.force_login(learner)
    assert deadline_text(client, timed_attempt) == "19:30 UTC"


def test_a_zone_saved_on_the_profile_applies_from_the_next_page(client, learner, timed_attempt):
    client.force_login(learner)
    data = {"email": learner.email, "legal_name": learner.legal_name, "time_zone": "Asia/Tokyo"}
    assert client.post("/accounts/profile/", data).status_code == 302
    assert deadline_text(client, timed_attempt) == "04:30 JST"  # the next day in Tokyo


def run(user, cookies=None):
    """Pass a request from `user` through the middleware; the zone its view saw, and after."""
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.COOKIES.update({"sessionid": "x"} if cookies is None else cookies)
    request.user = user
    response = LearnerTimeZoneMiddleware(view)(request)
    return seen["zone"], timezone.get_current_timezone_name(), response


def test_the_zone_is_active_for_the_request_only():
    zone, after, _ = run(User(time_zone="America/New_York"))
    assert (zone, after) == ("America/New_York", "UTC")


def test_the_zone_is_deactivated_even_when_the_view_fails():
    def view(request):
        raise RuntimeError("boom")

    request = RequestFactory().get("/")
    request.COOKIES["sessionid"] = "x"
    request.user = User(time_zone="Europe/Paris")
    with pytest.raises(RuntimeError):
        LearnerTimeZoneMiddleware(view)(request)
    assert timezone.get_current_timezone_name() == "UTC"


@pytest.mark.parametrize(
    "user",
    [AnonymousUser(), User(time_zone=""), User(time_zone="Gone/Removed_Since")],
    ids=["anonymous", "no zone", "zone no longer known"],
)
def test_anonymous_and_zoneless_requests_keep_the_site_zone(user):
    assert run(user)[0] == "UTC"


def test_a_request_without_a_session_cookie_is_not_looked_at():
    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError("request.user was read")

    assert run(Untouchable(), cookies={})[0] == "UTC"


def test_anonymous_pages_are_unaffected(client, course, learner):
    """A learner in another zone leaves nothing behind for the next anonymous visitor."""
    User.objects.filter(pk=learner.pk).update(time_zone="Pacific/Kiritimati")
    client.force_login(learner)
    client.get("/dashboard/")
    client.logout()
    response = client.get(course.url)
    assert response.status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_certificate_is_dated_in_the_sites_zone_whatever_zone_the_request_runs_in(
    learner, course, settings
):
    settings.TIME_ZONE = "UTC"
    joined = enroll(learner, course)[0]
    evening = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # already 4 December in Auckland
    with timezone.override(ZoneInfo("Pacific/Auckland")):
        facts = certificate_facts(joined, evening)
    assert facts["completed_on"] == date(2026, 12, 3)
