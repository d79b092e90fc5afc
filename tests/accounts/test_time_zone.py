"""The learner's time zone on the profile and at sign-up: a list of IANA zone names, a blank
for the site's zone, filled in from the browser by a script when empty."""

import re
import zoneinfo

import pytest

from accounts.forms import ProfileForm, SignupForm, time_zone_choices
from accounts.models import User
from tests.accounts.test_account_flows import GOOD, SIGNUP

PROFILE = "/accounts/profile/"
SCRIPT = "/static/cms/js/time-zone.js"
REFUSED = "is not a time zone we know. Choose one from the list, such as America/New_York."


def profile_data(user, **changes):
    return {
        "email": user.email,
        "legal_name": user.legal_name,
        "licence_number": "",
        "licence_state": "",
        "ncbtmb_number": "",
        **changes,
    }


def zone_options(html):
    select = re.search(r'<select name="time_zone"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no time zone list"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_choices_are_every_known_zone_sorted_after_the_site_default():
    choices = time_zone_choices()
    assert choices[0] == ("", "Site default (UTC)")
    names = [value for value, _ in choices[1:]]
    assert names == sorted(zoneinfo.available_timezones())
    assert "America/New_York" in names


@pytest.mark.parametrize("form_class", [ProfileForm, SignupForm])
def test_the_zone_is_optional_on_both_forms(form_class):
    field = form_class().fields["time_zone"]
    assert not field.required
    assert field.label == "Time zone"


def test_profile_lists_the_zones_with_nothing_chosen_and_loads_the_script(client, learner):
    client.force_login(learner)
    html = client.get(PROFILE).text
    options = zone_options(html)
    assert len(options) == len(zoneinfo.available_timezones()) + 1
    assert options[0] == ("", "Site default (UTC)")
    assert ("America/New_York", "America/New_York") in options
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S)[0]
    assert re.findall(r'<option value="([^"]*)" selected>', select) == [""]  # the blank
    assert "data-browser-time-zone" in html
    assert f'<script src="{SCRIPT}" defer></script>' in html


def test_profile_saves_a_zone_shows_it_chosen_and_can_clear_it(client, learner):
    client.force_login(learner)
    response = client.post(PROFILE, profile_data(learner, time_zone="America/New_York"))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.time_zone == "America/New_York"
    assert '<option value="America/New_York" selected>' in client.get(PROFILE).text
    assert client.post(PROFILE, profile_data(learner, time_zone="")).status_code == 302
    learner.refresh_from_db()
    assert learner.time_zone == ""


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "america/new_york", "EST+5", "x" * 100])
def test_profile_refuses_an_unknown_zone_and_saves_nothing(client, learner, zone):
    User.objects.filter(pk=learner.pk).update(time_zone="Europe/London")
    client.force_login(learner)
    data = profile_data(learner, time_zone=zone, ncbtmb_number="123456")
    response = client.post(PROFILE, data)
    assert response.status_code == 400
    assert REFUSED in response.text
    learner.refresh_from_db()
    assert (learner.time_zone, learner.ncbtmb_number) == ("Europe/London", "")


def test_signup_offers_the_zone_and_saves_it(client, db):
    html = client.get(SIGNUP).text
    assert ("", "Site default (UTC)") in zone_options(html)
    assert f'<script src="{SCRIPT}" defer></script>' in html
    assert client.post(SIGNUP, {**GOOD, "time_zone": "America/Chicago"}).status_code == 302
    assert User.objects.get().time_zone == "America/Chicago"


def test_signup_without_a_zone_uses_the_site_default(client, db):
    assert client.post(SIGNUP, GOOD).status_code == 302
    assert User.objects.get().time_zone == ""


def test_signup_refuses_an_unknown_zone_and_creates_no_account(client, db):
    response = client.post(SIGNUP, {**GOOD, "time_zone": "Atlantis/Capital"})
    assert response.status_code == 400
    assert REFUSED in response.text
    assert not User.objects.exists()
