"""Issue 17's "done when": a board auditor verifies a 1,000-row CSV in the browser and
downloads the results, as CSV and as an Excel workbook."""

import csv
import re

from django.contrib.auth.models import Group

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import User
from certificates.batch import ASSOCIATION_STAFF, EXPORT_HEADER
from certificates.codes import new_code
from certificates.issuing import revoke_certificate
from certificates.models import VerificationLog
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_certificate_journey import complete_demo_course
from tests.e2e.test_design import assert_fits
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STATUSES = {"Valid": 250, "Revoked": 250, "Not found": 250, "Malformed": 250}


def write_batch(path, valid, revoked):
    """A board's file: 1,000 rows, a quarter each valid, revoked, unknown and malformed, the
    codes in the second column under a "Code" header, typed in several ways."""
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(["Licensee", "Code"])
        for n in range(1000):
            code = [
                valid.display_code if n % 8 else valid.code.lower(),
                revoked.display_code,
                new_code(),
                f"MT-{n:05d}",
            ][n % 4]
            writer.writerow([f"Licensee {n}", code])
    return path


def test_a_board_auditor_checks_a_1000_row_csv_and_downloads_the_results(
    page, demo_site, tmp_path
):
    valid = complete_demo_course("learner@example.com")
    UserFactory(email="second.learner@example.com", legal_name="Rae Revoked")
    revoked = complete_demo_course("second.learner@example.com")
    revoke_certificate(revoked, User.objects.get(email="admin@example.com"), "Issued in error")
    auditor = UserFactory(email="auditor@board.example")
    auditor.groups.add(Group.objects.get(name=ASSOCIATION_STAFF))
    upload = write_batch(tmp_path / "board-audit.csv", valid, revoked)
    base = demo_site.url

    # Not signed in: the desk asks for a sign-in and comes back.
    page.goto(base + "/verify/batch/")
    assert "/accounts/login/?next=/verify/batch/" in page.url
    page.get_by_label(re.compile("Email", re.I)).fill("auditor@board.example")
    page.get_by_label(re.compile("Password", re.I)).fill("correct-horse-battery")
    page.get_by_role("button", name=re.compile("Log in|Sign in", re.I)).click()
    expect(page.get_by_role("heading", level=1, name="Verification desk")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("CSV file").set_input_files(upload)
    page.get_by_role("button", name="Check codes").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.get_by_text("Checked 1000 codes")).to_be_visible()
    summary = page.get_by_label("Summary")
    for label, count in STATUSES.items():
        expect(summary.get_by_text(label, exact=True)).to_be_visible()
        expect(summary.locator(f"dt:text-is('{label}') + dd")).to_have_text(str(count))
    table = page.get_by_role("table", name=re.compile("^Result for each submitted code"))
    expect(table.locator("tbody tr")).to_have_count(1000)
    first = table.locator("tbody tr").first
    expect(first.get_by_role("rowheader")).to_have_text(valid.code.lower())
    expect(first).to_contain_text("Valid")
    expect(first).to_contain_text("Lee Learner")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("Issued in error")
    expect(table.locator("tbody tr").nth(3)).to_contain_text("A verification code is 16 letters")
    distinct = 1 + 1 + 250 + 250
    assert VerificationLog.objects.filter(channel="desk", user=auditor).count() == distinct
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download results (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8") as results:
        rows = list(csv.reader(results))
    assert rows[0] == EXPORT_HEADER
    assert len(rows) == 1001
    assert {status: sum(row[2] == status for row in rows[1:]) for status in STATUSES} == STATUSES
    assert rows[1][4] == "Lee Learner"
    assert rows[2][2:5] == ["Revoked", revoked.display_code, "Rae Revoked"]
    assert rows[1][11] == "; ".join(valid.instructor_names())
    assert rows[2][13] == "Issued in error"

    with page.expect_download() as download:
        page.get_by_role("button", name="Download results (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as workbook:
        sheet = load_workbook(workbook).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == EXPORT_HEADER
    assert len(rows) == 1001
    assert {status: sum(row[2] == status for row in rows[1:]) for status in STATUSES} == STATUSES
    assert rows[4][1:3] == ["MT-00003", "Malformed"]
    # Each download was a check of its own, logged once per distinct code.
    assert VerificationLog.objects.filter(channel="desk").count() == 3 * distinct

    # On a phone the results are cards, nothing wider than the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert_fits(page)
    assert_accessible(page)
