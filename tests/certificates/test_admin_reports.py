"""The certificate list and the verification log are Wagtail reports (cms/admin_reports.py):
same columns, search and filter as the screens they replaced, exports read back with every
CSV cell spreadsheet-safe, superusers only."""

from datetime import datetime

from django.urls import reverse

import pytest

from certificates.api_keys import create_api_key
from certificates.models import VerificationLog
from tests.factories import UserFactory
from tests.spreadsheets import csv_rows, xlsx_sheet

LOG = reverse("audit_log_admin")
HEADINGS = ["at", "channel", "association", "ip address", "code", "result", "user"]


@pytest.fixture
def lookups(db):
    """Three lookups: a formula typed on the verify page, an association's API call, and a
    desk lookup by a signed-in user."""
    record, _ = create_api_key("=Board of Massage")
    auditor = UserFactory(email="auditor@board.example")
    return [
        VerificationLog.objects.create(
            channel="page", code="=HYPERLINK(1)", result="malformed", ip_address="192.0.2.1"
        ),
        VerificationLog.objects.create(channel="api", api_key=record, code="A", result="valid"),
        VerificationLog.objects.create(channel="desk", user=auditor, code="B", result="not_found"),
    ]


def test_the_certificate_list_finds_by_code_learner_or_course(client, admin_user, certificate):
    client.force_login(admin_user)
    url = reverse("certificate_admin_list")
    detail = reverse("certificate_admin_detail", args=[certificate.pk])
    listing = client.get(url).text
    assert f'<a href="{detail}">' in listing
    assert certificate.display_code in listing
    assert f"{certificate.completed_on:%Y-%m-%d}" in listing
    for text in (
        certificate.code.lower(),  # typed without dashes, in lower case
        certificate.learner_name[:5],
        certificate.course_title.upper(),
        "\x00" + certificate.learner_name,  # control characters are dropped, not refused
    ):
        assert certificate.display_code in client.get(url, {"q": text}).text, text
    missing = client.get(url, {"q": "nobody by that name"})
    assert certificate.display_code not in missing.text
    assert "No certificates match your query" in missing.text
    # The results-only URL that Wagtail's search box swaps in answers the same way.
    results = client.get(reverse("certificate_admin_list_results"), {"q": certificate.code})
    assert certificate.display_code in results.text


def test_the_log_lists_lookups_and_filters_by_result(client, admin_user, lookups):
    client.force_login(admin_user)
    page = client.get(LOG).text
    assert "=Board of Massage" in page
    assert "auditor@board.example (signed in)" in page
    assert "anonymous" in page and "192.0.2.1" in page
    only_valid = client.get(LOG, {"result": "valid"}).text
    assert "=Board of Massage" in only_valid and "auditor@board.example" not in only_valid
    # An unknown result is no filter at all, as before.
    assert "auditor@board.example" in client.get(LOG, {"result": "bogus"}).text


def test_the_log_csv_has_its_columns_and_defuses_formulas(client, admin_user, lookups):
    client.force_login(admin_user)
    response = client.get(LOG, {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="verification-log.csv"'
    header, *rows = csv_rows(response)
    assert header == HEADINGS
    newest_first = [row[4] for row in rows]
    assert newest_first == ["B", "A", "'=HYPERLINK(1)"]
    desk, api, page = rows
    assert desk[1:] == ["desk", "", "", "B", "not_found", "auditor@board.example"]
    assert api[2] == "'=Board of Massage"  # the association's name is typed by people too
    assert page[3] == "192.0.2.1"
    assert datetime.fromisoformat(page[0]) == lookups[0].at
    # The export follows the filter.
    filtered = csv_rows(client.get(LOG, {"result": "valid", "export": "csv"}))
    assert [row[4] for row in filtered[1:]] == ["A"]


def test_the_log_xlsx_keeps_formulas_as_text(client, admin_user, lookups):
    client.force_login(admin_user)
    sheet = xlsx_sheet(client.get(LOG, {"export": "xlsx"}))
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == HEADINGS
    formula = rows[3][4]
    assert formula.value == "=HYPERLINK(1)" and formula.data_type == "s"  # text, not run
    assert isinstance(rows[3][0].value, datetime)  # a date the spreadsheet can sort


@pytest.mark.parametrize("who", ["instructor", "reviewer", "learner"])
def test_others_reach_neither_list_nor_export(client, request, who, lookups, certificate):
    client.force_login(request.getfixturevalue(who))
    for url, params in [
        (reverse("certificate_admin_list"), {}),
        (reverse("certificate_admin_list_results"), {}),
        (LOG, {}),
        (LOG, {"export": "csv"}),
        (LOG, {"export": "xlsx"}),
        (reverse("audit_log_admin_results"), {}),
    ]:
        response = client.get(url, params)
        assert response.status_code in (302, 403), (url, params)
        assert b"HYPERLINK" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, lookups):
    response = client.get(LOG, {"export": "csv"})
    assert response.status_code == 302 and "/login/" in response["Location"]
