"""The certificate PDF: one landscape page with every required fact and a QR code."""

import base64
import io
import re

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

import segno
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from PIL import Image

from .models import Certificate


def qr_data_uri(url):
    """A QR code of the URL as a PNG data URI (crisp in print at 10 pixels a module)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# The raster formats Wagtail accepts (WAGTAILIMAGES_EXTENSIONS), as Pillow names them; SVG
# is recognised separately.
RASTER_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "AVIF": "image/avif",
}
SVG_TYPE = "image/svg+xml"
SVG_ROOTS = {"svg", "{http://www.w3.org/2000/svg}svg"}


def image_type(data):
    """The media type of an image's bytes, read from its content (never its file name), or
    None when it is not an image the certificate can draw.

    An SVG must parse as XML with an <svg> root and without entity declarations (defusedxml):
    WeasyPrint parses it again with the standard library, and this keeps entity expansion
    out of that. SVG is checked first (it starts with "<", which no raster format does);
    otherwise Pillow reads the raster header (without decoding the pixels)."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        try:
            root = parse_xml(data)
        except (ParseError, DefusedXmlException, ValueError):
            return None
        return SVG_TYPE if root.tag in SVG_ROOTS else None
    try:
        with Image.open(io.BytesIO(data)) as image:
            return RASTER_TYPES.get(image.format)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def image_data_uri(file):
    """An image kept with the certificate (its signature or logo copy) as a data URI, or None
    when there is none or it is not a PNG, JPEG, GIF, WebP, AVIF or SVG image.

    The PDF embeds everything it draws, so WeasyPrint never fetches a file; an SVG arrives as
    `data:image/svg+xml`, is drawn as vectors (WeasyPrint runs no scripts and makes no links
    from an SVG), and anything it refers to outside itself is refused by the fetcher that
    `html_to_pdf` gives WeasyPrint. A storage error is raised, not drawn around: the PDF is
    made once and kept, so it must not be kept without its images."""
    if not file:
        return None
    with file.open("rb") as stream:
        data = stream.read()
    kind = image_type(data)
    if kind is None:
        return None
    return f"data:{kind};base64," + base64.b64encode(data).decode()


# Size steps for the two texts of unbounded length, so any name (up to 200 characters) and
# any approved title (up to 255) stays inside its zone of the one page: the longest text, in
# characters, each step holds; anything longer takes the smallest step.
NAME_STEPS = ((28, "xl"), (40, "l"), (80, "m"), (120, "s"))
TITLE_STEPS = ((64, "l"), (120, "m"), (220, "s"))
# The licence line (labels and values, up to about 250 characters): one size up to a line.
LICENCE_STEPS = ((120, "m"),)
SMALL_WORDS = {"and", "for", "of", "the", "&"}


def size_step(text, steps, smallest="xs"):
    """The first step whose limit holds the text, else the smallest."""
    for limit, step in steps:
        if len(text) <= limit:
            return step
    return smallest


def monogram(provider_name):
    """Up to three initials of the provider's name (words in brackets and small words left
    out), drawn in the logo area when the provider has no logo."""
    words = re.sub(r"\(.*?\)", " ", provider_name).split()
    initials = [w[0] for w in words if w[0].isalnum() and w.lower() not in SMALL_WORDS]
    return "".join(initials[:3]).upper() or "CE"


def provider_contact(certificate):
    """The provider's address on one line, then its email: NCBTMB asks for either."""
    lines = [line.strip(" ,") for line in certificate.provider_address.splitlines()]
    parts = [", ".join(line for line in lines if line), certificate.provider_email]
    return " · ".join(part for part in parts if part)


def certificate_context(certificate):
    """What the certificate template draws, all from the certificate's snapshot."""
    hours = f"{certificate.ce_hours.normalize():f}"
    verification_url = certificate.verification_url()
    licence = certificate.licence_facts()
    licence_text = " · ".join(f"{label}: {value}" for label, value in licence)
    return {
        "certificate": certificate,
        "verification_url": verification_url,
        "qr": qr_data_uri(verification_url),
        "signature": image_data_uri(certificate.signature),
        "logo": image_data_uri(certificate.logo),
        "monogram": monogram(certificate.provider_name),
        "licence": licence,
        "licence_size": size_step(licence_text, LICENCE_STEPS, smallest="s"),
        "provider_contact": provider_contact(certificate),
        "name_size": size_step(certificate.learner_name, NAME_STEPS),
        "title_size": size_step(certificate.course_title, TITLE_STEPS),
        "seal_size": 26 if len(hours) <= 2 else 20 if len(hours) <= 4 else 15,
        "revoked_on": revoked_on(certificate),
    }


def revoked_on(certificate):
    """The date a revoked certificate was revoked, in the site's zone (as its other dates
    are), or None while it is valid."""
    if not certificate.is_revoked:
        return None
    return timezone.localdate(certificate.revoked_at, timezone.get_default_timezone())


def url_fetcher():
    """WeasyPrint's fetcher, allowed `data:` URLs only.

    Everything a certificate or transcript draws is in its HTML or a data URI, so any other
    URL (http, https, ftp, file; in an uploaded SVG logo, say: `<image href>`, `<use href>`,
    `@import`, `url()`) is refused: no request leaves the server and no local file is read.
    WeasyPrint logs the refusal and draws the rest. One fetcher per document: it keeps state
    between calls."""
    from weasyprint.urls import URLFetcher  # imported late: weasyprint loads Pango

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False)


def html_to_pdf(html):
    """PDF bytes for a self-contained HTML document (no base URL: nothing is resolved
    against the server's files)."""
    from weasyprint import HTML  # imported late: it loads Pango

    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf()


def render_pdf(certificate):
    """PDF bytes for a certificate, drawn from its snapshot only; a revoked certificate is
    drawn stamped "REVOKED on <date>" across the page."""
    return html_to_pdf(
        render_to_string("certificates/certificate_pdf.html", certificate_context(certificate))
    )


def ensure_pdf(certificate):
    """The stored PDF, made and stored now if it is missing (made when the certificate is
    issued, so it is the clean copy)."""
    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        return certificate.pdf
    content = render_pdf(certificate)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(content), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate.pdf


def revoked_pdf_name(certificate):
    return f"certificates/revoked/{certificate.code}.pdf"


def open_pdf(certificate):
    """The PDF anyone holding the code downloads, open for reading.

    While the certificate is valid, the copy stored at issue. Once it is revoked (for good:
    revoking is never undone), a copy stamped "REVOKED on <date>", made the first time it is
    asked for and kept beside the clean one; the clean copy is never handed out again."""
    if not certificate.is_revoked:
        return ensure_pdf(certificate).open("rb")
    storage = certificate.pdf.storage
    name = revoked_pdf_name(certificate)
    if not storage.exists(name):
        name = storage.save(name, ContentFile(render_pdf(certificate)))
    return storage.open(name, "rb")
