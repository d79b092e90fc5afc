"""The licence renewal facts in the learner's profile: CE hours required per renewal, the day
the current licence period ends, and the period's length; the period derived from them."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from accounts.closing import close_account
from accounts.forms import ProfileForm
from accounts.renewal import add_months, due_date_problem, period_ending, renewal_period

TODAY = date(2026, 3, 15)


# --- the period, on plain dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 31), -24, date(2024, 12, 31)),
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_add_months_lands_on_the_last_day_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_a_period_ends_on_the_due_date_and_starts_the_day_after_its_length_before():
    assert period_ending(date(2026, 12, 31), 24) == (date(2025, 1, 1), date(2026, 12, 31))
    assert period_ending(date(2027, 2, 28), 12) == (date(2026, 3, 1), date(2027, 2, 28))


def test_the_current_period_ends_on_a_future_due_date():
    period = renewal_period(date(2026, 12, 31), 24, TODAY)
    assert (period.start, period.end, period.due_on) == (
        date(2025, 1, 1),
        date(2026, 12, 31),
        date(2026, 12, 31),
    )
    assert not period.rolled_forward


def test_the_due_date_itself_is_still_in_the_period():
    assert renewal_period(TODAY, 24, TODAY).end == TODAY


def test_a_passed_due_date_rolls_forward_by_whole_periods():
    period = renewal_period(date(2025, 6, 30), 12, TODAY)
    assert (period.start, period.end) == (
        date(2026, 7, 1) - timedelta(days=365),
        date(2026, 6, 30),
    )
    assert period.rolled_forward
    # Rolled from the date given, so 29 February does not drift to the 28th for good.
    leap = renewal_period(date(2024, 2, 29), 48, date(2028, 3, 1))
    assert leap.end == date(2032, 2, 29)


def test_without_a_due_date_the_period_is_the_last_months_up_to_today():
    period = renewal_period(None, 24, TODAY)
    assert (period.start, period.end, period.due_on) == (date(2024, 3, 16), TODAY, None)
    assert renewal_period(None, None, TODAY).months == 24


def test_due_date_problems():
    assert due_date_problem(date(2026, 12, 31), 24, TODAY) is None
    assert due_date_problem(TODAY - timedelta(days=30), 24, TODAY) is None  # renewing late
    assert "more than a year ago" in due_date_problem(date(2020, 1, 1), 24, TODAY)
    assert "would not have started yet" in due_date_problem(date(2029, 1, 1), 24, TODAY)
    # The same date is fine with a longer period.
    assert due_date_problem(date(2029, 1, 1), 48, TODAY) is None


# --- the profile form -------------------------------------------------------------------------


def profile_data(learner, **renewal):
    return {
        "email": learner.email,
        "legal_name": learner.legal_name,
        "licence_number": "",
        "licence_state": "",
        "ncbtmb_number": "",
        **renewal,
    }


def renewal_facts(user):
    user.refresh_from_db()
    return (user.ce_hours_required, user.renewal_due_on, user.renewal_period_months)


def in_a_year():
    return timezone.localdate() + timedelta(days=365)


def test_profile_saves_the_renewal_facts(client, learner):
    client.force_login(learner)
    due = in_a_year()
    response = client.post(
        "/accounts/profile/",
        profile_data(
            learner,
            ce_hours_required="24",
            renewal_due_on=due.isoformat(),
            renewal_period_months="36",
        ),
    )
    assert response.status_code == 302
    assert renewal_facts(learner) == (24, due, 36)
    page = client.get("/accounts/profile/").text
    assert 'id="renewal"' in page and "CE hours required per renewal" in page
    assert f'value="{due.isoformat()}"' in page


def test_renewal_facts_are_optional_and_can_be_cleared(client, learner):
    learner.ce_hours_required, learner.renewal_due_on = 24, in_a_year()
    learner.renewal_period_months = 12
    learner.save()
    client.force_login(learner)
    response = client.post(
        "/accounts/profile/",
        profile_data(learner, ce_hours_required="", renewal_due_on=""),
    )
    assert response.status_code == 302
    # The period length, left out, goes back to its default.
    assert renewal_facts(learner) == (None, None, 24)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ce_hours_required", "0", "Enter whole hours from 1 to 200"),
        ("ce_hours_required", "201", "Enter whole hours from 1 to 200"),
        ("ce_hours_required", "-5", "Enter whole hours from 1 to 200"),
        ("ce_hours_required", "twenty", "Enter whole hours from 1 to 200"),
        ("ce_hours_required", "2.5", "Enter whole hours from 1 to 200"),
        ("ce_hours_required", "9" * 40, "Enter whole hours from 1 to 200"),
        ("renewal_due_on", "2026-13-45", "Enter a date"),
        ("renewal_due_on", "soon", "Enter a date"),
        ("renewal_due_on", "2001-01-01", "more than a year ago"),
        ("renewal_due_on", "0001-01-01", "more than a year ago"),
        ("renewal_due_on", "9999-12-31", "would not have started yet"),
        ("renewal_period_months", "7", "Choose one of the period lengths"),
        ("renewal_period_months", "many", "Choose one of the period lengths"),
    ],
)
def test_profile_refuses_bad_renewal_facts_with_a_message_and_saves_nothing(
    client, learner, field, value, message
):
    learner.ce_hours_required, learner.renewal_due_on = 30, in_a_year()
    learner.save()
    before = renewal_facts(learner)
    legal_name = learner.legal_name
    client.force_login(learner)
    data = profile_data(
        learner,
        ce_hours_required="24",
        renewal_due_on=in_a_year().isoformat(),
        renewal_period_months="24",
    )
    data["legal_name"] = "A New Name"
    data[field] = value
    response = client.post("/accounts/profile/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert message in errors[field][0]
    assert message in response.text and "form-field--error" in response.text
    assert renewal_facts(learner) == before
    assert learner.legal_name == legal_name  # nothing else saved either


def test_the_form_checks_the_due_date_against_the_period_it_is_given(db):
    far = timezone.localdate() + timedelta(days=3 * 365)
    form = ProfileForm(
        data={"email": "x@example.com", "legal_name": "X", "renewal_due_on": far.isoformat()}
    )
    assert not form.is_valid() and "renewal_due_on" in form.errors
    form = ProfileForm(
        data={
            "email": "x@example.com",
            "legal_name": "X",
            "renewal_due_on": far.isoformat(),
            "renewal_period_months": "48",
        }
    )
    assert form.is_valid(), form.errors


def test_the_database_refuses_out_of_range_values(learner):
    learner.ce_hours_required = 500
    with pytest.raises(IntegrityError), transaction.atomic():
        learner.save()
    learner.refresh_from_db()
    learner.renewal_period_months = 7
    with pytest.raises(IntegrityError), transaction.atomic():
        learner.save()


def test_closing_an_account_clears_the_renewal_facts(learner):
    learner.ce_hours_required, learner.renewal_due_on = 24, in_a_year()
    learner.renewal_period_months = 36
    learner.save()
    close_account(learner)
    assert renewal_facts(learner) == (None, None, 24)


def test_the_user_knows_its_renewal_period(learner):
    learner.renewal_due_on, learner.renewal_period_months = date(2026, 12, 31), 24
    assert learner.renewal_period(TODAY).start == date(2025, 1, 1)
