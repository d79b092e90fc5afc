"""The admin's user export (Wagtail's user listing): one filled row per user, formulas
escaped (issue 18, defect 9)."""

import csv
import io

from openpyxl import load_workbook

from tests.factories import UserFactory


def exported(client, fmt):
    response = client.get(f"/admin/users/?export={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_csv_export_has_a_filled_row_per_user(client, admin_user):
    UserFactory(email="ada@example.com", legal_name='=HYPERLINK("http://x")', licence_number="+1")
    client.force_login(admin_user)
    rows = list(csv.reader(io.StringIO(exported(client, "csv").decode())))
    assert all(any(cell.strip() for cell in row) for row in rows), rows
    header, *users = rows
    assert header[:2] == ["Email address", "Legal name"]
    assert sorted(row[0] for row in users) == ["ada@example.com", "boss@example.com"]
    ada = next(row for row in users if row[0] == "ada@example.com")
    assert ada[1] == '\'=HYPERLINK("http://x")'
    assert ada[2] == "'+1"


def test_the_xlsx_export_keeps_formulas_as_text(client, admin_user):
    UserFactory(email="ada@example.com", legal_name="=1+1")
    client.force_login(admin_user)
    sheet = load_workbook(io.BytesIO(exported(client, "xlsx"))).active
    ada = next(row for row in sheet.iter_rows() if row[0].value == "ada@example.com")
    assert ada[1].value == "=1+1"
    assert ada[1].data_type == "s"  # text, not a formula


def test_learners_cannot_export_users(client, learner):
    client.force_login(learner)
    response = client.get("/admin/users/?export=csv")
    assert response.status_code == 302
