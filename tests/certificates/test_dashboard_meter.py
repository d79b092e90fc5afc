"""The dashboard's CE meter: hours from valid certificates completed in the current licence
period, against the renewal target the learner set in the profile."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

import pytest

from accounts.renewal import renewal_period
from certificates.ce_progress import ce_progress, counts_towards
from certificates.issuing import issue_certificate, revoke_certificate
from courses.enrollment import enroll
from tests.chart_html import charts, numbers, percent
from tests.conftest import build_course
from tests.factories import UserFactory


def certificate_for(learner, catalog, completed_on, hours, title):
    """A certificate for a one-module course, completed on the given day."""
    course = build_course(catalog, modules=1, title=title, ce_hours=Decimal(hours))
    enrollment, _ = enroll(learner, course)
    completed_at = timezone.make_aware(datetime.combine(completed_on, time(12)))
    return issue_certificate(enrollment, completed_at)[0]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def period(learner, today):
    """The learner's target (24 hours) and licence period (24 months, due in 200 days)."""
    learner.ce_hours_required = 24
    learner.renewal_due_on = today + timedelta(days=200)
    learner.renewal_period_months = 24
    learner.save()
    return learner.renewal_period(today)


@pytest.fixture
def history(learner, catalog, period, today):
    """Certificates: two valid in the period (one on its first day), one revoked in it, one
    valid from the day before it started."""
    admin = UserFactory(is_superuser=True)
    inside = certificate_for(learner, catalog, today - timedelta(days=30), "3.5", "Inside")
    first_day = certificate_for(learner, catalog, period.start, "2", "First day")
    revoked = certificate_for(learner, catalog, today - timedelta(days=10), "6", "Revoked one")
    revoke_certificate(revoked, admin, "Issued in error")
    before = certificate_for(
        learner, catalog, period.start - timedelta(days=1), "8", "Before the period"
    )
    return {"inside": inside, "first_day": first_day, "revoked": revoked, "before": before}


# --- counting, on plain objects ---------------------------------------------------------------


def test_only_valid_certificates_completed_inside_the_period_count(today):
    period = renewal_period(today + timedelta(days=10), 12, today)

    def cert(days_ago, hours, revoked=False):
        return SimpleNamespace(
            completed_on=today - timedelta(days=days_ago),
            ce_hours=Decimal(hours),
            is_revoked=revoked,
        )

    certificates = [
        cert(0, "1.5"),
        cert((today - period.start).days, "2"),  # the first day counts
        cert((today - period.start).days + 1, "4"),  # the day before does not
        cert(3, "5", revoked=True),
        cert(-5, "0.25"),  # a completion dated later in the period (today + 5) counts
    ]
    user = SimpleNamespace(
        ce_hours_required=10,
        renewal_period=lambda day: renewal_period(today + timedelta(days=10), 12, day),
    )
    progress = ce_progress(user, certificates, today)
    assert progress.earned == Decimal("3.75")
    assert [counts_towards(c, period) for c in certificates] == [True, True, False, False, True]
    assert progress.remaining == Decimal("6.25") and not progress.reached
    assert progress.meter.fill == pytest.approx(37.5)


def test_progress_past_the_target_needs_nothing_more(today):
    user = SimpleNamespace(
        ce_hours_required=2, renewal_period=lambda day: renewal_period(None, 24, day)
    )
    certificates = [SimpleNamespace(completed_on=today, ce_hours=Decimal("3"), is_revoked=False)]
    progress = ce_progress(user, certificates, today)
    assert progress.reached and progress.remaining == 0 and progress.meter.fill == 100


def test_without_a_target_there_is_no_meter(today):
    user = SimpleNamespace(
        ce_hours_required=None, renewal_period=lambda day: renewal_period(None, 24, day)
    )
    progress = ce_progress(user, [], today)
    assert progress.meter is None and progress.remaining is None and progress.earned == 0


# --- the dashboard ----------------------------------------------------------------------------


def test_the_meter_counts_valid_certificates_in_the_period_and_its_table_agrees(
    client, learner, history, period
):
    client.force_login(learner)
    html = client.get("/dashboard/").text
    meter = charts(html)["ce-meter"]
    # 3.5 + 2 from the valid certificates in the period; not the revoked 6, not the 8 before.
    drawn = [" ".join(t.get_text().split()) for t in meter.svg.select("text.chart__value")]
    assert drawn == ["Earned: 5.5 CEs", "Target: 24 CEs"]
    table = {row[0]: row[1] for row in meter.table_rows}
    assert table == {"Earned": "5.5 CEs", "Target": "24 CEs", "Still needed": "18.5 CEs"}
    # Every number the chart prints is in its table, and the fill is the earned share.
    assert set(numbers(" ".join(drawn))) <= set(numbers(" ".join(table.values())))
    fill = meter.svg.find_all("rect")[2]
    assert percent(fill["width"]) == pytest.approx(100 * 5.5 / 24, abs=0.01)
    assert meter.title == "CE hours this licence period"
    assert "5.5 CEs earned of the 24 CEs required; 18.5 CEs still needed" in meter.description
    due = f"{period.end.day} {period.end:%B %Y}"
    assert f"18.5 CEs still needed</strong> by {due}" in html
    # The certificates list still shows every certificate, the revoked one marked.
    assert "Total: <strong>13.5 CEs</strong> from 4 certificates (1 revoked, not counted)" in html
    assert f"start={period.start.isoformat()}&amp;end={period.end.isoformat()}" in html


def test_revoking_a_certificate_takes_its_hours_off_the_meter(
    client, learner, history, admin_user
):
    revoke_certificate(history["inside"], admin_user, "Wrong learner")
    client.force_login(learner)
    meter = charts(client.get("/dashboard/").text)["ce-meter"]
    assert {row[0]: row[1] for row in meter.table_rows}["Earned"] == "2 CEs"


def test_without_a_target_the_panel_shows_the_last_24_months_and_asks_for_one(
    client, learner, catalog, today
):
    certificate_for(learner, catalog, today - timedelta(days=3), "1", "Recent")
    certificate_for(learner, catalog, today - timedelta(days=800), "5", "Long ago")
    client.force_login(learner)
    html = client.get("/dashboard/").text
    assert "ce-meter" not in html and "<svg" not in html.split('id="renewal-progress"')[1]
    start = renewal_period(None, 24, today).start
    assert (
        "You have <strong>1 CE</strong> from valid certificates completed in the last 24 months "
        f"(since {start.day} {start:%B %Y})" in html
    )
    assert 'href="/accounts/profile/#renewal">Set your renewal target</a>' in html


def test_a_target_without_certificates_shows_an_empty_meter(client, learner, period):
    client.force_login(learner)
    html = client.get("/dashboard/").text
    meter = charts(html)["ce-meter"]
    assert {row[0]: row[1] for row in meter.table_rows} == {
        "Earned": "0 CEs",
        "Target": "24 CEs",
        "Still needed": "24 CEs",
    }
    assert len(meter.svg.find_all("rect")) == 2  # background and track: no fill
    assert "No certificates yet." in html


def test_a_target_without_a_due_date_counts_the_last_months(client, learner, catalog, today):
    learner.ce_hours_required = 12
    learner.save()
    certificate_for(learner, catalog, today - timedelta(days=5), "12", "Enough")
    client.force_login(learner)
    html = client.get("/dashboard/").text
    meter = charts(html)["ce-meter"]
    assert meter.title == "CE hours in the last 24 months"
    assert "Target reached:" in html and "Add your renewal date" not in html


def test_a_passed_renewal_date_moves_to_the_next_period_and_says_so(
    client, learner, catalog, today
):
    learner.ce_hours_required = 24
    learner.renewal_due_on = today - timedelta(days=40)
    learner.renewal_period_months = 12
    learner.save()
    client.force_login(learner)
    html = client.get("/dashboard/").text
    period = learner.renewal_period(today)
    assert period.rolled_forward and period.end > today
    assert "has passed, so this is the next licence period" in html
    assert f"{period.end.day} {period.end:%B %Y}" in html


def test_no_target_and_no_certificates_shows_no_panel(client, learner):
    client.force_login(learner)
    html = client.get("/dashboard/").text
    assert "Towards your licence renewal" not in html
    assert "When you complete a course" in html


def test_a_certificate_of_one_hour_is_written_in_the_singular(client, learner, catalog, today):
    certificate_for(learner, catalog, today, "1", "One hour")
    client.force_login(learner)
    html = client.get("/dashboard/").text
    assert '<td data-label="CE hours">1 CE</td>' in html and "1 CEs" not in html
