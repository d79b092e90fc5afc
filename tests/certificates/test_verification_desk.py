"""The verification desk (/verify/batch/): who may use it, what it reads, what it answers,
what it logs and what it lets people download (issue 17, item 7)."""

import csv
import io
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from certificates import batch
from certificates.batch import (
    ASSOCIATION_STAFF,
    MAX_CODES,
    BatchError,
    code_column,
    codes_from_csv,
    codes_from_text,
    column_letter,
    submitted_text,
)
from certificates.codes import new_code
from certificates.desk_views import XLSX
from certificates.issuing import revoke_certificate
from certificates.models import Certificate, VerificationLog
from tests.factories import UserFactory
from tests.spreadsheets import csv_rows

from .conftest import complete_course

URL = "/verify/batch/"


@pytest.fixture
def revoked(course, admin_user, django_capture_on_commit_callbacks):
    course.evaluation_required = False
    course.save()
    certificate = complete_course(
        UserFactory(legal_name="Rae Revoked"), course, django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        return revoke_certificate(certificate, admin_user, "Course completed twice by mistake")


@pytest.fixture
def staff(db):
    user = UserFactory(email="auditor@board.example")
    user.groups.add(Group.objects.get(name=ASSOCIATION_STAFF))
    return user


@pytest.fixture
def desk(client, staff):
    client.force_login(staff)
    return client


def csv_file(text, name="codes.csv", encoding="utf-8"):
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return SimpleUploadedFile(name, data, content_type="text/csv")


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# Who may use it ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/verify/batch/"


def test_people_without_the_role_get_a_clear_403_and_check_nothing(client, learner, certificate):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 403
    assert "for association staff" in response.text
    assert "Association staff" in response.text
    response = client.post(URL, {"codes": certificate.code})
    assert response.status_code == 403
    assert not VerificationLog.objects.exists()


def test_the_role_is_a_group_holding_the_desk_permission(db):
    group = Group.objects.get(name=ASSOCIATION_STAFF)
    assert list(group.permissions.values_list("codename", flat=True)) == ["use_verification_desk"]


def test_association_staff_and_superusers_may_use_it(client, staff, admin_user):
    for user in (staff, admin_user):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert 'enctype="multipart/form-data"' in response.text


def test_administrators_give_the_role_in_wagtails_user_form(client, admin_user, learner):
    client.force_login(admin_user)
    group = Group.objects.get(name=ASSOCIATION_STAFF)
    for url in (
        reverse("wagtailusers_users:edit", args=[learner.pk]),
        reverse("wagtailusers_users:add"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert ASSOCIATION_STAFF in response.text
        assert f'name="groups" value="{group.pk}"' in response.text


def test_the_verify_page_points_to_the_desk(client, staff):
    assert "Association staff can sign in" in client.get("/verify/").text
    client.force_login(staff)
    assert "Open the verification desk" in client.get("/verify/").text


# Checking ------------------------------------------------------------------------------------


def test_pasted_codes_get_a_result_each_in_order_with_the_facts(desk, staff, certificate, revoked):
    Certificate.objects.filter(pk=certificate.pk).update(instructors=[["Dana Doe", "LMT"]])
    unknown = new_code()
    pasted = "\n".join(
        [
            certificate.display_code.lower(),
            "",
            "  not a code  ",
            revoked.code,
            unknown,
        ]
    )
    response = desk.post(URL, {"codes": pasted})
    assert response.status_code == 200
    results = response.context["results"]
    assert [row.status for row in results.rows] == ["valid", "malformed", "revoked", "not_found"]
    assert [row.submitted for row in results.rows] == [
        certificate.display_code.lower(),
        "not a code",
        revoked.code,
        unknown,
    ]
    assert [count for _, _, count in results.counts] == [1, 1, 1, 1]
    page = response.text
    assert certificate.learner_name in page
    assert "Rae Revoked" in page
    assert "Instructor: Dana Doe, LMT" in page
    assert "Course completed twice by mistake" in page
    assert "No certificate has this code." in page
    assert '<caption id="results-caption">' in page
    assert '<th scope="row" class="code">not a code</th>' in page
    assert 'data-label="Learner"' in page
    logged = VerificationLog.objects.order_by("code")
    assert all(log.channel == VerificationLog.DESK and log.user == staff for log in logged)
    assert sorted((log.code, log.result) for log in logged) == sorted(
        [
            (certificate.display_code.lower(), "valid"),
            ("not a code", "malformed"),
            (revoked.code, "revoked"),
            (unknown, "not_found"),
        ]
    )


def test_duplicates_are_looked_up_and_logged_once_per_distinct_code(desk, certificate):
    unknown = new_code()
    pasted = "\n".join(
        [
            certificate.code,
            certificate.display_code.lower(),
            certificate.display_code,
            unknown,
            unknown.lower(),
            "oops",
            "oops",
            "OOPS",
        ]
    )
    response = desk.post(URL, {"codes": pasted})
    results = response.context["results"]
    assert len(results.rows) == 8
    assert results.distinct == 4
    assert [row.status for row in results.rows] == ["valid"] * 3 + ["not_found"] * 2 + [
        "malformed"
    ] * 3
    logs = list(VerificationLog.objects.values_list("code", "result"))
    assert sorted(logs) == sorted(
        [
            (certificate.code, "valid"),
            (unknown, "not_found"),
            ("oops", "malformed"),
            ("OOPS", "malformed"),
        ]
    )


def test_a_single_code_is_written_to_the_log_at_once_with_its_user(desk, staff, certificate):
    desk.post(URL, {"codes": certificate.code})
    assert VerificationLog.objects.get().user == staff


def test_a_csv_file_reads_the_code_column_under_its_header(desk, certificate, revoked):
    text = (
        "\ufeffLicensee,Licence,Code\r\n"
        f'"Lee, Learner",MT-1,{certificate.display_code}\r\n'
        "\r\n"
        f"Rae,MT-2,{revoked.display_code.lower()}\r\n"
        "Someone,MT-3,\r\n"
    )
    response = desk.post(URL, {"file": csv_file(text)})
    assert response.status_code == 200
    rows = response.context["results"].rows
    assert [(row.submitted, row.status) for row in rows] == [
        (certificate.display_code, "valid"),
        (revoked.display_code.lower(), "revoked"),
    ]


def test_a_1000_row_csv_is_checked(desk, certificate, revoked):
    lines = ["Certificate code"]
    for n in range(MAX_CODES):
        kind = n % 4
        if kind == 0:
            lines.append(certificate.display_code)
        elif kind == 1:
            lines.append(revoked.code.lower())
        elif kind == 2:
            lines.append(new_code())
        else:
            lines.append(f"bad-{n}")
    response = desk.post(URL, {"file": csv_file("\n".join(lines))})
    assert response.status_code == 200
    results = response.context["results"]
    assert len(results.rows) == MAX_CODES
    assert {status: n for status, _, n in results.counts} == {
        "valid": 250,
        "revoked": 250,
        "not_found": 250,
        "malformed": 250,
    }
    assert results.distinct == 2 + 250 + 250
    assert VerificationLog.objects.count() == results.distinct


# Bad input: a clear message, and nothing looked up or logged ---------------------------------

UNKNOWN = "ABCD-EFGH-JKMN-PQRS"
BAD_FILES = [
    ("codes.csv", "code\nabc".encode("utf-16"), "saved as UTF-16"),
    ("codes.csv", "code\nCafé\n".encode("cp1252"), "line 2 has a character in another encoding"),
    ("codes.csv", b"code\n\n  \n", "No codes found in this file"),
    ("codes.csv", b"\n\n", "No codes found in this file"),
    ("codes.csv", ("\n".join([UNKNOWN] * 1001)).encode(), "has 1,001 codes"),
    ("codes.csv", f"code\n{UNKNOWN}\n=HYPERLINK(1)\n".encode(), "Row 3, column A starts with “=”"),
    ("codes.csv", f"name,code\nx,{UNKNOWN}\ny,@SUM(1)\n".encode(), "Row 3, column B starts with"),
    ("codes.csv", f"{UNKNOWN}\n+1\n".encode(), "Row 2, column A starts with “+”"),
    ("codes.csv", f"{UNKNOWN}\n-1\n".encode(), "Row 2, column A starts with “-”"),
    ("codes.csv", f'{UNKNOWN}\n"\t{UNKNOWN}"\n'.encode(), "Row 2, column A starts with a tab"),
    ("codes.csv", f'{UNKNOWN}\n"\r{UNKNOWN}"\n'.encode(), "starts with a carriage return"),
    ("codes.pdf", b"%PDF-1.7", "Choose a CSV file"),
    ("codes.csv", b"PK\x03\x04\x14\x00\x06\x00", "This is an Excel workbook, not a CSV file"),
    ("codes.csv", b"code\n\x00\x01\x02", "not a CSV text file"),
    ("codes.csv", b"code\n" + b"x" * batch.MAX_FILE_BYTES, "larger than 2 MB"),
    ("codes.csv", b"", "The submitted file is empty."),
]


@pytest.fixture
def no_lookups(monkeypatch):
    def refuse(texts):
        raise AssertionError("nothing may be looked up")

    monkeypatch.setattr(batch, "find_many", refuse)


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_bad_files_get_a_clear_message_and_change_nothing(desk, no_lookups, name, data, message):
    response = desk.post(URL, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.text
    assert not VerificationLog.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"codes": "  \n \n"}, "Choose a CSV file or paste at least one code."),
        ({}, "Choose a CSV file or paste at least one code."),
        ({"codes": "\n".join([UNKNOWN] * 1001)}, "The pasted text has 1,001 codes"),
        ({"codes": "x" * 100_001}, "longer than 100,000 characters"),
        ({"codes": UNKNOWN, "file": "both"}, "Choose a file or paste codes, not both."),
        ({"codes": "AB\x00CD"}, "Null characters are not allowed."),
    ],
)
def test_bad_pasted_input_gets_a_clear_message_and_changes_nothing(
    desk, no_lookups, data, message
):
    if data.get("file"):
        data["file"] = csv_file(UNKNOWN)
    response = desk.post(URL, data)
    assert response.status_code == 400
    assert message in response.text
    assert not VerificationLog.objects.exists()


# Downloads -----------------------------------------------------------------------------------


def test_the_csv_download_holds_every_result_and_defuses_formulas(desk, certificate, revoked):
    Certificate.objects.filter(pk=certificate.pk).update(
        instructors=[["Dana Doe", "LMT, NCTMB"], ["Sam Roe", ""]]
    )
    certificate.refresh_from_db()
    unknown = new_code()
    pasted = "\n".join([certificate.display_code, revoked.code, unknown, "=HYPERLINK(1)"])
    response = desk.post(URL, {"codes": pasted, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert rows[0] == batch.EXPORT_HEADER
    assert rows[1] == [
        "1",
        certificate.display_code,
        "Valid",
        certificate.display_code,
        certificate.learner_name,
        certificate.course_title,
        certificate.course_type,
        format(certificate.ce_hours.normalize(), "f"),
        certificate.completed_on.isoformat(),
        certificate.provider_name,
        certificate.provider_number,
        "Dana Doe, LMT, NCTMB; Sam Roe",
        "",
        "",
        certificate.verification_url(),
    ]
    assert rows[2][2] == "Revoked"
    assert rows[2][12] == timezone.localtime(revoked.revoked_at).date().isoformat()
    assert rows[2][13] == "Course completed twice by mistake"
    assert rows[3][1:4] == [unknown, "Not found", ""]
    assert rows[4][1:3] == ["'=HYPERLINK(1)", "Malformed"]
    assert len(rows) == 5
    # A download is a check of its own: one log row per distinct code again.
    assert VerificationLog.objects.count() == 4


def test_the_xlsx_download_holds_every_result_and_defuses_formulas(desk, certificate, revoked):
    pasted = "\n".join([certificate.display_code, revoked.code, "@cmd", certificate.code])
    response = desk.post(URL, {"codes": pasted, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = read_xlsx(response)
    assert rows[0] == batch.EXPORT_HEADER
    valid = rows[1]
    assert valid[:4] == [1, certificate.display_code, "Valid", certificate.display_code]
    assert valid[4] == certificate.learner_name
    assert Decimal(str(valid[7])) == certificate.ce_hours
    assert valid[8].date() == certificate.completed_on
    assert valid[12] is None
    assert rows[2][2] == "Revoked"
    assert rows[2][12].date() == timezone.localtime(revoked.revoked_at).date()
    assert rows[2][13] == "Course completed twice by mistake"
    assert rows[3][1:3] == ["'@cmd", "Malformed"]
    assert rows[4][1:3] == [certificate.code, "Valid"]
    assert len(rows) == 5
    assert VerificationLog.objects.count() == 3


def test_the_results_page_offers_downloads_of_the_same_codes(desk, certificate):
    pasted = f"{certificate.display_code}\n=1+1\n"
    page = desk.post(URL, {"codes": pasted}).text
    assert f'name="codes" value="{certificate.display_code}\n=1+1"' in page
    assert 'name="format" value="csv"' in page
    assert 'name="format" value="xlsx"' in page


# Cost ----------------------------------------------------------------------------------------


def count_queries(client, codes):
    """(reads, writes) of one desk check of `codes`, starting from an empty cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"codes": "\n".join(codes)})
    assert response.status_code == 200
    writes = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    return len(queries) - len(writes), len(writes)


def test_queries_do_not_grow_with_the_number_of_codes(desk, certificate, revoked):
    def codes(n):
        return [certificate.code, revoked.code] + [new_code() for _ in range(n)] + ["bad"] * n

    desk.get(URL)  # the session's first touch writes it once; not part of a check
    few_reads, few_writes = count_queries(desk, codes(3))
    many_reads, many_writes = count_queries(desk, codes(300))
    assert few_reads == many_reads
    assert few_writes == 1
    # The log rows are one bulk insert; SQLite caps the parameters of one statement, so
    # there it may take a few (PostgreSQL: one).
    fields = [f for f in VerificationLog._meta.concrete_fields if not f.primary_key]
    rows = [VerificationLog()] * (2 + 300 + 1)
    assert many_writes == -(-len(rows) // connection.ops.bulk_batch_size(fields, rows))


# The verification log screen -----------------------------------------------------------------


def test_the_log_screen_shows_desk_lookups_and_who_made_them(client, staff, admin_user):
    client.force_login(staff)
    client.post(URL, {"codes": UNKNOWN})
    client.force_login(admin_user)
    response = client.get(reverse("audit_log_admin"))
    assert "Verification desk" in response.text
    assert "auditor@board.example (signed in)" in response.text
    rows = csv_rows(client.get(reverse("audit_log_admin"), {"export": "csv"}))
    assert rows[1][1] == "desk"
    assert rows[1][6] == "auditor@board.example"


# Reading codes, without the database ---------------------------------------------------------


def test_header_detection_and_column_choice():
    assert code_column(["Code"]) == (0, True)
    assert code_column([" name ", " CODE "]) == (1, True)
    assert code_column(["Licensee", "Verification code"]) == (1, True)
    assert code_column(["Certificate code"]) == (0, True)
    assert code_column(["ABCD-EFGH-JKMN-PQRS"]) == (0, False)
    assert code_column(["something else", "x"]) == (0, False)


def test_codes_are_read_from_semicolon_files_and_without_a_header():
    assert codes_from_csv(b"code;name\nABCD-EFGH-JKMN-PQRS;x\n") == ["ABCD-EFGH-JKMN-PQRS"]
    assert codes_from_csv(b"ABCD-EFGH-JKMN-PQRS\nnope\n") == ["ABCD-EFGH-JKMN-PQRS", "nope"]


def test_submitted_text_is_safe_and_keeps_its_result():
    assert submitted_text("  ABCD\nEFGH\tJKMN PQRS ") == "ABCD EFGH JKMN PQRS"
    assert submitted_text("AB\x01CD") == "AB\ufffdCD"
    long = submitted_text("A" * 500)
    assert len(long) == 65 and long.endswith("…")
    assert codes_from_text("a\n\n b \r\nc") == ["a", "b", "c"]


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_refusals_say_nothing_was_checked():
    with pytest.raises(BatchError, match="Nothing was checked."):
        codes_from_text("")
