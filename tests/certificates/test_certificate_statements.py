"""What a certificate states beyond the course facts (issue 17): the course's instructors with
their credentials, kept as they were at issue, on the PDF, the verify page, the API and the
signed credential; a revoked certificate's PDF stamped as revoked; and the learner's
"Add to LinkedIn profile" link."""

import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

import pytest

from accounts.models import User
from certificates.issuing import revoke_certificate
from certificates.models import Certificate
from certificates.openbadges import check_proof, signed_credential
from certificates.pdf import render_pdf
from courses.models import CourseInstructor

from ..factories import InstructorFactory
from .test_licence_facts import pdf_text, squeezed


def download(client, certificate):
    response = client.get(f"/certificates/{certificate.display_code}.pdf")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


@pytest.fixture
def taught_course(course):
    """The course with two instructors, in the editor's order (not alphabetical)."""
    second = InstructorFactory(name="Zoe Okafor", credentials="LMT, BCTMB")
    first = InstructorFactory(name="Ana Lima", credentials="")
    CourseInstructor.objects.create(page=course, instructor=second, sort_order=0)
    CourseInstructor.objects.create(page=course, instructor=first, sort_order=1)
    return course


@pytest.fixture
def taught_certificate(taught_course, request):
    return request.getfixturevalue("certificate")


def test_instructors_are_kept_as_they_were_at_issue(taught_certificate, taught_course):
    assert taught_certificate.instructors == [["Zoe Okafor", "LMT, BCTMB"], ["Ana Lima", ""]]
    assert taught_certificate.instructor_names() == ["Zoe Okafor, LMT, BCTMB", "Ana Lima"]
    # Editing the instructor later changes nothing the certificate states.
    link = taught_course.course_instructors.first()
    link.instructor.name = "Zoe Okafor-Smith"
    link.instructor.save()
    taught_certificate.refresh_from_db()
    assert taught_certificate.instructors[0] == ["Zoe Okafor", "LMT, BCTMB"]


def test_instructors_on_the_pdf_page_and_api(client, taught_certificate):
    _, data = download(client, taught_certificate)
    assert squeezed("Instructors: Zoe Okafor, LMT, BCTMB · Ana Lima") in squeezed(pdf_text(data))

    page = client.get(taught_certificate.get_absolute_url()).content.decode()
    assert re.search(r"<dt>Instructors</dt><dd>Zoe Okafor, LMT, BCTMB<br>Ana Lima</dd>", page), (
        "verify page names both instructors"
    )

    facts = client.get(f"/api/v1/certificates/{taught_certificate.display_code}").json()
    assert facts["instructors"] == [
        {"name": "Zoe Okafor", "credentials": "LMT, BCTMB"},
        {"name": "Ana Lima", "credentials": ""},
    ]


def test_instructors_in_the_signed_credential(taught_certificate):
    credential = signed_credential(taught_certificate)
    description = credential["credentialSubject"]["achievement"]["description"]
    assert description.endswith("Instructors: Zoe Okafor, LMT, BCTMB; Ana Lima.")
    assert check_proof(credential).verified


def test_a_course_without_instructors_prints_no_empty_label(client, certificate):
    assert certificate.instructors == []
    _, data = download(client, certificate)
    assert "Instructor" not in pdf_text(data)
    assert "<dt>Instructor" not in client.get(certificate.get_absolute_url()).content.decode()
    description = signed_credential(certificate)["credentialSubject"]["achievement"]["description"]
    assert "Instructor" not in description


def test_three_long_instructor_lines_stay_on_the_one_page(certificate):
    from pypdf import PdfReader

    certificate.instructors = [
        ["Maria-Fernanda Alejandra de los Santos Villanueva", "LMT, BCTMB, CNMT, MLD/CDT"],
        ["Bartholomew Wolfeschlegelsteinhausenbergerdorff", "PT, DPT, LMT"],
        ["Ana Lima", "LMT"],
    ]
    certificate.approvals = [["NCBTMB", "123456-00"], ["Florida Board", "50-12345"]]
    reader = PdfReader(io.BytesIO(render_pdf(certificate)))
    assert len(reader.pages) == 1
    text = squeezed(reader.pages[0].extract_text())
    for line in certificate.instructor_names():
        assert squeezed(line) in text
    assert squeezed("Florida Board approval 50-12345") in text


@pytest.fixture
def revoked_certificate(certificate, admin_user, django_capture_on_commit_callbacks):
    # 03:00 UTC on 1 December: still 30 November in New York.
    with django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(
            certificate,
            admin_user,
            "Issued in error",
            now=dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC),
        )
    return Certificate.objects.get(pk=certificate.pk)


def test_a_valid_certificate_pdf_carries_no_stamp(client, certificate):
    response, data = download(client, certificate)
    assert "REVOKED" not in pdf_text(data)
    assert response["Content-Disposition"].endswith(f'certificate-{certificate.display_code}.pdf"')


def test_a_revoked_pdf_is_stamped_never_the_clean_copy(client, certificate, admin_user):
    # The clean copy is stored at issue; revoking must not let it out again.
    _, clean = download(client, certificate)
    revoke_certificate(
        certificate,
        admin_user,
        "Issued in error",
        now=timezone.make_aware(dt.datetime(2026, 11, 30, 15, 0)),
    )
    from certificates.lookup import forget_certificate

    forget_certificate(certificate.code)
    response, with_stamp = download(client, certificate)
    assert with_stamp != clean
    text = squeezed(pdf_text(with_stamp))
    assert squeezed("REVOKED on November 30, 2026") in text
    assert squeezed("It no longer counts for CE credit.") in text
    assert "revoked.pdf" in response["Content-Disposition"]
    # Asked again, the same stamped copy (kept, not drawn anew each time).
    _, again = download(client, certificate)
    assert again == with_stamp


@pytest.mark.parametrize(
    "site_zone, day", [("UTC", "December 1, 2026"), ("America/New_York", "November 30, 2026")]
)
def test_the_stamp_date_is_the_sites_date(client, revoked_certificate, settings, site_zone, day):
    settings.TIME_ZONE = site_zone
    _, data = download(client, revoked_certificate)
    assert squeezed(f"REVOKED on {day}") in squeezed(pdf_text(data))


def test_linkedin_link_prefills_the_certificate(client, learner, certificate):
    client.force_login(learner)
    page = client.get("/dashboard/").content.decode()
    match = re.search(r'<a href="([^"]+)"[^>]*>Add to LinkedIn profile</a>', page)
    assert match, "dashboard offers Add to LinkedIn profile"
    url = urlsplit(match.group(1).replace("&amp;", "&"))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    issued = timezone.localdate(certificate.issued_at, timezone.get_default_timezone())
    assert parse_qs(url.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": [certificate.course_title],
        "organizationName": [certificate.provider_name],
        "issueYear": [str(issued.year)],
        "issueMonth": [str(issued.month)],
        "certUrl": [certificate.verification_url()],
        "certId": [certificate.display_code],
    }


def test_no_linkedin_link_for_a_revoked_certificate(client, learner, revoked_certificate):
    client.force_login(learner)
    page = client.get("/dashboard/").content.decode()
    assert "Revoked" in page
    assert "Add to LinkedIn profile" not in page


def test_a_name_stored_before_the_check_prints_without_them(learner, request):
    User.objects.filter(pk=learner.pk).update(legal_name="Ann\u202eeeB\u200b")
    certificate = request.getfixturevalue("certificate")
    assert certificate.learner_name == "AnneeB"


@pytest.mark.parametrize(("hours", "shown"), [("10", "10"), ("12.50", "12.5"), ("100", "100")])
def test_ce_hours_are_written_plainly_in_the_api(client, certificate, hours, shown):
    Certificate.objects.filter(pk=certificate.pk).update(ce_hours=hours)
    from certificates.lookup import forget_certificate

    forget_certificate(certificate.code)
    facts = client.get(f"/api/v1/certificates/{certificate.display_code}").json()
    assert facts["ce_hours"] == shown
