"""The learner's licence facts where a board auditor reads them (issue 16, item 4): on the
transcript always, on the certificate when the provider prints them, kept as they were at
issue, and never on the public verification page, API or signed credential."""

import csv
import io
import json
import re

from django.urls import reverse

from wagtail.models import Site

import pytest

from accounts.models import User
from certificates.models import Certificate, licence_facts
from certificates.pdf import render_pdf
from cms.models import ProviderSettings

from .test_certificate_layout import LONG_NAME, LONG_TITLE

LICENCE = {"licence_number": "MA-60912", "licence_state": "Florida", "ncbtmb_number": "874512"}
FACTS_TEXT = ("Licence number: MA-60912", "Licence state: Florida", "NCBTMB number: 874512")


def squeezed(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data):
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def download(client, certificate):
    response = client.get(f"/certificates/{certificate.display_code}.pdf")
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content))


def provider_shows_licence(shown):
    provider = ProviderSettings.for_site(Site.objects.get(is_default_site=True))
    provider.show_licence_on_certificates = shown
    provider.save()


@pytest.fixture
def licensed_learner(learner):
    User.objects.filter(pk=learner.pk).update(**LICENCE)
    learner.refresh_from_db()
    return learner


@pytest.fixture
def licensed_certificate(licensed_learner, request):
    """The certificate of a learner who gave their licence, issued with the default setting."""
    return request.getfixturevalue("certificate")


@pytest.fixture
def unshown_certificate(licensed_learner, catalog, request):
    """The certificate of a learner who gave their licence, issued while the provider's
    setting was off."""
    provider_shows_licence(False)
    return request.getfixturevalue("certificate")


def test_licence_facts_leave_out_what_is_not_given():
    assert licence_facts("MA1", "Ohio", "") == [
        ("Licence number", "MA1"),
        ("Licence state", "Ohio"),
    ]
    assert licence_facts("", "  ", "") == []
    assert licence_facts(" 42 ", "", "N9") == [("Licence number", "42"), ("NCBTMB number", "N9")]


def test_the_setting_is_on_by_default(db):
    assert ProviderSettings().show_licence_on_certificates is True


def test_issue_snapshots_the_licence_and_the_pdf_prints_it(client, licensed_certificate):
    certificate = licensed_certificate
    assert (certificate.licence_number, certificate.licence_state, certificate.ncbtmb_number) == (
        "MA-60912",
        "Florida",
        "874512",
    )
    text = squeezed(download(client, certificate))
    for fact in FACTS_TEXT:
        assert squeezed(fact) in text, fact


def test_the_pdf_leaves_the_licence_out_when_the_provider_turns_it_off(
    client, unshown_certificate
):
    certificate = unshown_certificate
    # Not shown means not kept either: the certificate holds no personal data it does not state.
    assert certificate.licence_number == certificate.licence_state == ""
    assert certificate.ncbtmb_number == ""
    text = download(client, certificate)
    assert "Licence" not in text and "NCBTMB number" not in text
    for value in LICENCE.values():
        assert value not in text
    # Turning the setting back on later does not change a certificate already issued.
    provider_shows_licence(True)
    certificate.refresh_from_db()
    assert "Licence" not in pdf_text(render_pdf(certificate))


def test_the_snapshot_survives_a_profile_change(client, licensed_learner, licensed_certificate):
    User.objects.filter(pk=licensed_learner.pk).update(
        licence_number="TX-1111", licence_state="Texas", ncbtmb_number="222"
    )
    certificate = Certificate.objects.get(pk=licensed_certificate.pk)
    assert certificate.licence_number == "MA-60912"
    text = squeezed(pdf_text(render_pdf(certificate)))
    assert squeezed("Licence number: MA-60912") in text and "TX-1111" not in text
    assert "Texas" not in text


def test_a_learner_without_licence_facts_gets_no_empty_labels(client, learner, certificate):
    assert not learner.licence_number and not learner.ncbtmb_number
    assert certificate.licence_facts() == []
    text = download(client, certificate)
    assert "Licence" not in text and "NCBTMB number" not in text
    client.force_login(learner)
    transcript = pdf_text(client.get("/dashboard/transcript.pdf").content)
    assert "Licence" not in transcript and "NCBTMB number" not in transcript
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/transcript.csv").content.decode())))
    header, row = rows[0], rows[1]
    assert row[header.index("licence number")] == ""
    assert row[header.index("NCBTMB number")] == ""


def test_only_given_facts_are_printed(client, learner, request):
    User.objects.filter(pk=learner.pk).update(ncbtmb_number="874512")
    certificate = request.getfixturevalue("certificate")
    text = download(client, certificate)
    assert "NCBTMB number: 874512" in re.sub(r"\s+", " ", text)
    assert "Licence" not in text


def test_transcript_csv_carries_the_licence_facts(client, licensed_learner, licensed_certificate):
    client.force_login(licensed_learner)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/transcript.csv").content.decode())))
    header, row = rows[0], rows[1]
    # The earlier columns keep their places; the learner's facts follow them.
    assert header[:9] == [
        "completed on",
        "course",
        "course type",
        "CE hours",
        "provider",
        "NCBTMB provider",
        "certificate code",
        "status",
        "verification URL",
    ]
    assert header[9:] == ["learner", "licence number", "licence state", "NCBTMB number"]
    assert row[6] == licensed_certificate.display_code
    assert row[9:] == [licensed_learner.legal_name, "MA-60912", "Florida", "874512"]


def test_transcript_csv_defuses_formulas_in_licence_facts(client, learner, request):
    certificate = request.getfixturevalue("certificate")
    User.objects.filter(pk=learner.pk).update(
        licence_number='=HYPERLINK("http://evil.example","x")', licence_state="+Florida"
    )
    learner.refresh_from_db()
    client.force_login(learner)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/transcript.csv").content.decode())))
    header, row = rows[0], rows[1]
    assert row[6] == certificate.display_code
    assert row[header.index("licence number")] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[header.index("licence state")] == "'+Florida"


def test_transcript_pdf_carries_the_current_licence_facts(
    client, licensed_learner, licensed_certificate
):
    client.force_login(licensed_learner)
    text = squeezed(pdf_text(client.get("/dashboard/transcript.pdf").content))
    for fact in FACTS_TEXT:
        assert squeezed(fact) in text, fact
    # The transcript is made for the licence the learner holds now: a renewed number shows.
    User.objects.filter(pk=licensed_learner.pk).update(licence_number="MA-70000")
    text = squeezed(pdf_text(client.get("/dashboard/transcript.pdf").content))
    assert "MA-70000" in text and "MA-60912" not in text


def test_transcript_without_certificates_still_names_the_licence(client, licensed_learner):
    client.force_login(licensed_learner)
    text = squeezed(pdf_text(client.get("/dashboard/transcript.pdf").content))
    assert squeezed("Licence number: MA-60912") in text


def test_public_verification_never_shows_the_licence(client, licensed_certificate):
    code = licensed_certificate.display_code
    page = client.get(f"/verify/{code}/").text
    api = json.dumps(client.get(f"/api/v1/certificates/{code}").json())
    credential = client.get(f"/credentials/{code}.json").content.decode()
    for shown in (page, api, credential):
        assert "MA-60912" not in shown and "874512" not in shown
    assert licensed_certificate.learner_name in page  # the page still names the participant


def test_admin_certificate_page_shows_the_snapshot(client, admin_user, licensed_certificate):
    client.force_login(admin_user)
    page = client.get(reverse("certificate_admin_detail", args=[licensed_certificate.pk])).text
    assert "<dt>Licence number</dt><dd>MA-60912</dd>" in page
    assert "<dt>NCBTMB number</dt><dd>874512</dd>" in page


# The middle zone of the certificate (certificate_pdf.html: page margin 10 mm, frame 2.2 mm,
# .main 8 mm down and 125 mm high) ends 145.2 mm below the top of the page, which is this
# many points above its bottom; the zone clips anything lower.
MAIN_ZONE_BOTTOM = 612 - 145.2 / 25.4 * 72


def lowest_point(data, needle):
    """How far above the bottom of the page (points) the needle's lowest character sits:
    clipped text is still in the PDF, so its position shows whether it was drawn."""
    import pypdfium2

    textpage = pypdfium2.PdfDocument(data)[0].get_textpage()
    found = textpage.search(needle, match_case=True).get_next()
    assert found, needle
    start, count = found
    return min(textpage.get_charbox(i)[1] for i in range(start, start + count))


@pytest.mark.parametrize(
    "licence",
    [
        {},
        LICENCE,
        # The longest the snapshot fields hold: 50, 100 and 50 characters.
        {
            "licence_number": "L" * 50,
            "licence_state": ("Newfoundland and Labrador " * 4)[:100].strip(),
            "ncbtmb_number": "9" * 50,
        },
    ],
    ids=["none", "usual", "longest"],
)
def test_licence_facts_never_push_anything_out_of_the_middle_zone(certificate, licence):
    from pypdf import PdfReader

    certificate.learner_name = LONG_NAME
    certificate.course_title = LONG_TITLE
    certificate.approvals = [
        ["NCBTMB", "123456-00"],
        ["Florida Board of Massage Therapy CE Broker", "50-12345"],
        ["Texas Department of Licensing and Regulation", "CE-98765"],
    ]
    for field, value in licence.items():
        setattr(certificate, field, value)
    data = render_pdf(certificate)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = squeezed(reader.pages[0].extract_text())
    for fact in (LONG_NAME, LONG_TITLE, *licence.values(), certificate.display_code):
        assert squeezed(fact) in text, fact
    # The approvals are the last line of the middle zone: still inside it, so drawn.
    assert lowest_point(data, "CE-98765") > MAIN_ZONE_BOTTOM


def test_the_provider_settings_form_turns_the_licence_off_and_on(client, admin_user, catalog):
    site = Site.objects.get(is_default_site=True)
    client.force_login(admin_user)
    url = reverse("wagtailsettings:edit", args=["cms", "providersettings", site.id])
    page = client.get(url).text
    checkbox = re.search(r'<input[^>]*name="show_licence_on_certificates"[^>]*>', page)
    assert checkbox and "checked" in checkbox.group()  # on by default
    form = {"provider_name": "NMT Continuing Education", "email": "ce@example.com"}
    assert client.post(url, form).status_code == 302  # an unticked box is not sent
    assert not ProviderSettings.for_site(site).show_licence_on_certificates
    assert client.post(url, {**form, "show_licence_on_certificates": "on"}).status_code == 302
    assert ProviderSettings.for_site(site).show_licence_on_certificates
