"""The certificate PDF: one landscape page with every required fact and a QR code."""

import base64
import io
import re

from django.core.files.base import ContentFile
from django.template.loader import render_to_string

import segno

from .models import Certificate


def qr_data_uri(url):
    """A QR code of the URL as a PNG data URI (crisp in print at 10 pixels a module)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def signature_data_uri(certificate):
    """The signature copied at issue, as a data URI, or None."""
    if not certificate.signature:
        return None
    with certificate.signature.open("rb") as image:
        data = image.read()
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


# Size steps for the two texts of unbounded length, so any name (up to 200 characters) and
# any approved title (up to 255) stays inside its zone of the one page: the longest text, in
# characters, each step holds; anything longer takes the smallest step.
NAME_STEPS = ((28, "xl"), (40, "l"), (80, "m"), (120, "s"))
TITLE_STEPS = ((64, "l"), (120, "m"), (220, "s"))
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
    return {
        "certificate": certificate,
        "verification_url": verification_url,
        "qr": qr_data_uri(verification_url),
        "signature": signature_data_uri(certificate),
        "monogram": monogram(certificate.provider_name),
        "provider_contact": provider_contact(certificate),
        "name_size": size_step(certificate.learner_name, NAME_STEPS),
        "title_size": size_step(certificate.course_title, TITLE_STEPS),
        "seal_size": 26 if len(hours) <= 2 else 20 if len(hours) <= 4 else 15,
    }


def render_pdf(certificate):
    """PDF bytes for a certificate, drawn from its snapshot only."""
    from weasyprint import HTML  # imported late: it loads Pango

    html = render_to_string("certificates/certificate_pdf.html", certificate_context(certificate))
    return HTML(string=html, base_url=".").write_pdf()


def ensure_pdf(certificate):
    """The stored PDF, made and stored now if it is missing."""
    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        return certificate.pdf
    content = render_pdf(certificate)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(content), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate.pdf
