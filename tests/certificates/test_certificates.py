import io
import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from accounts.models import User
from certificates.codes import ALPHABET, MalformedCode, display, new_code, normalize
from certificates.issuing import RevocationRefused, issue_certificate, revoke_certificate
from certificates.models import Certificate


def test_codes_have_80_bits_and_no_ambiguous_characters():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 16 and set(code) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)
    assert len(ALPHABET) ** 16 >= 2**80


@pytest.mark.parametrize(
    "typed", ["abcd-efgh-jkmn-pqrs", "ABCDEFGHJKMNPQRS", " abcd efgh jkmn pqrs "]
)
def test_codes_match_whatever_case_and_separators(typed):
    assert normalize(typed) == "ABCDEFGHJKMNPQRS"
    assert display(normalize(typed)) == "ABCD-EFGH-JKMN-PQRS"


def test_typos_of_ambiguous_letters_are_read_as_digits():
    assert normalize("O0IL-1111-2222-3333") == "0011111122223333"


@pytest.mark.parametrize(
    "bad", ["", "short", "ABCD-EFGH-JKMN-PQR!", "A" * 17, "U" * 16, "x" * 100]
)
def test_malformed_codes_are_refused(bad):
    with pytest.raises(MalformedCode):
        normalize(bad)


def test_completion_issues_one_certificate_with_a_snapshot(certificate, learner, course):
    assert certificate.learner_name == learner.legal_name
    assert certificate.course_title == course.approved_title
    assert certificate.course_type == "Home Study"
    assert certificate.title == "Certificate of Achievement"
    assert certificate.ce_hours == course.ce_hours
    assert certificate.provider_name
    assert len(mail.outbox) == 1 and certificate.display_code in mail.outbox[0].body
    again, created = issue_certificate(certificate.enrollment, timezone.now())
    assert again.pk == certificate.pk and not created
    # Later changes to the learner or the course never alter an issued certificate.
    User.objects.filter(pk=learner.pk).update(legal_name="Someone Else")
    course.approved_title = "Renamed"
    course.save_revision().publish()
    certificate.refresh_from_db()
    assert certificate.learner_name == learner.legal_name
    assert certificate.course_title != "Renamed"


def test_pdf_holds_every_required_fact(client, certificate):
    from pypdf import PdfReader

    response = client.get(f"/certificates/{certificate.display_code.lower()}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = re.sub(r"\s+", " ", page.extract_text())
    for fact in (
        certificate.learner_name,
        certificate.course_title,
        "Certificate of Achievement",
        "Home Study",
        certificate.provider_name,
        certificate.provider_number,
        certificate.display_code,
        certificate.completed_on.strftime("%B"),
    ):
        assert fact in text, fact
    # One hour in the singular; NCBTMB's "CEs" for any other amount, never "CEUs".
    assert re.search(r"\b1 CE\b", text) and "1 CEs" not in text
    assert "CEU" not in text


def test_pdf_is_made_again_when_missing(client, certificate):
    certificate.refresh_from_db()
    certificate.pdf.storage.delete(certificate.pdf.name)
    response = client.get(f"/certificates/{certificate.display_code}.pdf")
    assert response.status_code == 200


def test_unknown_or_malformed_pdf_code_is_404(client, db):
    assert client.get("/certificates/ABCD-EFGH-JKMN-PQRS.pdf").status_code == 404
    assert client.get("/certificates/nonsense.pdf").status_code == 404


def test_verify_form_and_page(client, certificate):
    response = client.get("/verify/", {"code": certificate.display_code.lower().replace("-", " ")})
    assert response.url == f"/verify/{certificate.display_code}/"
    page = client.get(response.url).text
    assert "Valid." in page and certificate.learner_name in page
    bad = client.get("/verify/", {"code": "not a code"})
    assert bad.status_code == 400 and "16 letters and digits" in bad.text
    missing = client.get("/verify/ABCD-EFGH-JKMN-PQRS/")
    assert missing.status_code == 404 and "No certificate found" in missing.text


def test_revocation_records_who_when_why_and_shows_everywhere(client, certificate, admin_user):
    with pytest.raises(RevocationRefused):
        revoke_certificate(certificate, admin_user, "  ")
    revoke_certificate(certificate, admin_user, "Issued in error")
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_by == admin_user
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    page = client.get(f"/verify/{certificate.display_code}/").text
    assert "Revoked" in page and "Issued in error" in page
    data = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert data["status"] == "revoked" and data["revocation_reason"] == "Issued in error"


API_FIELDS = {
    "code",
    "status",
    "learner_name",
    "course_title",
    "course_type",
    "ce_hours",
    "completed_on",
    "issued_at",
    "provider_name",
    "provider_number",
    "verification_url",
    "credential_url",
}


def test_api_single_code(client, certificate):
    url = f"/api/v1/certificates/{certificate.display_code.lower()}"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(ctx) <= 3
    data = response.json()
    assert set(data) >= API_FIELDS
    assert data["status"] == "valid"
    assert data["completed_on"] == certificate.completed_on.isoformat()
    assert data["verification_url"].endswith(f"/verify/{certificate.display_code}/")


def test_api_errors_are_json_with_detail(client, db):
    missing = client.get("/api/v1/certificates/ABCD-EFGH-JKMN-PQRS")
    assert missing.status_code == 404 and missing.json()["detail"]
    malformed = client.get("/api/v1/certificates/nope")
    assert malformed.status_code == 422 and "16 letters" in malformed.json()["detail"]


def test_api_bulk_in_order_with_fixed_queries(client, certificate):
    codes = [certificate.code, "nope", "ABCD-EFGH-JKMN-PQRS", certificate.display_code.lower()]
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/api/v1/certificates/verify", {"codes": codes}, content_type="application/json"
        )
    assert len(ctx) <= 3
    results = response.json()["results"]
    assert [r["code"] for r in results] == codes
    assert [r["found"] for r in results] == [True, False, False, True]
    assert "16 letters" in results[1]["detail"]


def test_api_bulk_refuses_more_than_1000(client, db):
    response = client.post(
        "/api/v1/certificates/verify",
        {"codes": ["ABCD-EFGH-JKMN-PQRS"] * 1001},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "codes" in response.json()["detail"]


def test_api_bulk_refuses_a_bad_body(client, db):
    response = client.post(
        "/api/v1/certificates/verify", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/certificates/{code}" in paths
    assert "/api/v1/certificates/verify" in paths


def test_dashboard_lists_certificates_and_hours(client, certificate, learner):
    client.force_login(learner)
    text = client.get("/dashboard/").text
    assert "Download certificate" in text
    assert f"/certificates/{certificate.display_code}.pdf" in text
    assert '<td data-label="CE hours">1 CE</td>' in text  # one CE hour, in the singular


def test_admin_finds_and_revokes_with_a_reason(client, admin_user, certificate):
    from django.urls import reverse

    client.force_login(admin_user)
    listing = client.get(reverse("certificate_admin_list"), {"q": certificate.code.lower()})
    assert certificate.display_code in listing.text
    url = reverse("certificate_admin_detail", args=[certificate.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    response = client.post(url, {"reason": "Learner's identity could not be confirmed"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_by == admin_user


def test_only_administrators_reach_certificate_admin(client, instructor, certificate):
    from django.urls import reverse

    client.force_login(instructor)
    url = reverse("certificate_admin_detail", args=[certificate.pk])
    assert client.get(reverse("certificate_admin_list")).status_code in (302, 403)
    client.post(url, {"reason": "no"})
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_transcript_csv_and_pdf_for_a_date_range(client, learner, certificate):
    import csv as csv_module

    from pypdf import PdfReader

    client.force_login(learner)
    day = certificate.completed_on.isoformat()
    rows = list(
        csv_module.reader(
            io.StringIO(client.get("/dashboard/transcript.csv", {"start": day}).content.decode())
        )
    )
    assert rows[1][1] == certificate.course_title and rows[1][6] == certificate.display_code
    assert rows[-1] == ["total CE hours (valid certificates)", str(certificate.ce_hours)]
    before = client.get("/dashboard/transcript.csv", {"end": "2000-01-01"}).content.decode()
    assert certificate.course_title not in before
    pdf = client.get("/dashboard/transcript.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert certificate.display_code in re.sub(r"\s+", "", text)  # may wrap in its cell
    bad = client.get("/dashboard/transcript.csv", {"start": "2026-12-01", "end": "2026-01-01"})
    assert bad.status_code == 400 and "start date is after" in bad.content.decode()
    assert client.get("/dashboard/transcript.csv", {"start": "yesterday"}).status_code == 400


def test_transcript_needs_login_and_shows_only_ones_own(client, certificate):
    from tests.factories import UserFactory

    assert client.get("/dashboard/transcript.csv").status_code == 302
    client.force_login(UserFactory())
    assert certificate.display_code not in client.get("/dashboard/transcript.csv").content.decode()


def test_ce_broker_roster_csv_and_xlsx(client, admin_user, learner, course, certificate):
    import csv as csv_module

    from django.urls import reverse

    from openpyxl import load_workbook

    from courses.models import CourseApproval

    User.objects.filter(pk=learner.pk).update(licence_number="MA12345", licence_state="FL")
    CourseApproval.objects.create(page=course, approver="CE Broker", number="20-123456")
    client.force_login(admin_user)
    url = reverse("roster_export_admin")
    day = certificate.completed_on
    response = client.get(url, {"course": course.pk, "start": day, "end": day, "format": "csv"})
    rows = list(csv_module.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Provider Number",
        "Course Number",
        "License Number",
        "Date Completed",
        "State",
        "Profession",
    ]
    assert rows[1] == [
        certificate.provider_number,
        "20-123456",
        "MA12345",
        day.strftime("%m/%d/%Y"),
        "FL",
        "Massage Therapist",
    ]
    xlsx = client.get(url, {"course": course.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][2] == "MA12345"
    empty = client.get(url, {"course": course.pk, "end": "2000-01-01", "format": "csv"})
    assert len(list(csv_module.reader(io.StringIO(empty.content.decode())))) == 1
    bad = client.get(url, {"course": course.pk, "start": "2026-12-31", "end": "2026-01-01"})
    assert bad.status_code == 400 and "start date is after" in bad.text
    assert client.get(url, {"course": "999999", "format": "csv"}).status_code == 400


def test_admin_certificate_search_survives_control_characters(client, admin_user, db):
    from django.urls import reverse

    client.force_login(admin_user)
    assert client.get(reverse("certificate_admin_list"), {"q": "a\x00b"}).status_code == 200


def test_the_qr_code_in_the_pdf_opens_the_verification_page(client, certificate):
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    response = client.get(f"/certificates/{certificate.display_code}.pdf")
    page = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0]
    images = [Image.open(io.BytesIO(image.data)) for image in page.images]
    decoded = [r.text for image in images for r in zxingcpp.read_barcodes(image)]
    assert decoded == [certificate.verification_url()]


def test_signature_image_is_copied_at_issue_and_printed(learner, course, home):
    from wagtail.images.tests.utils import get_test_image_file

    from PIL import Image
    from pypdf import PdfReader

    from certificates.pdf import render_pdf
    from cms.models import CustomImage, ProviderSettings
    from courses.enrollment import enroll

    image = CustomImage.objects.create(title="Signature", file=get_test_image_file())
    provider = ProviderSettings.for_site(home.get_site())
    provider.signature_image = image
    provider.signatory_name = "Avery Admin"
    provider.save()
    enrollment, _ = enroll(learner, course)
    certificate, _ = issue_certificate(enrollment, timezone.now())
    assert certificate.signature
    image.delete()  # the certificate keeps its own copy
    page = PdfReader(io.BytesIO(render_pdf(Certificate.objects.get(pk=certificate.pk)))).pages[0]
    sizes = sorted(Image.open(io.BytesIO(i.data)).size for i in page.images)
    assert len(sizes) == 2  # the QR code and the signature


def test_dashboard_links_the_signed_credential(client, certificate, learner):
    client.force_login(learner)
    assert f"/credentials/{certificate.display_code}.json" in client.get("/dashboard/").text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_issues_give_one_certificate(learner, course):
    from courses.enrollment import enroll
    from tests.concurrency import needs_postgresql, race

    needs_postgresql()
    enrollment, _ = enroll(learner, course)
    results, errors = race(50, lambda: issue_certificate(enrollment, timezone.now())[0].pk)
    assert not errors
    assert len(set(results)) == 1
    assert Certificate.objects.count() == 1
