"""The certificate PDF: one landscape page with every required fact and a QR code."""

import base64
import io

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


def render_pdf(certificate):
    """PDF bytes for a certificate, drawn from its snapshot only."""
    from weasyprint import HTML  # imported late: it loads Pango

    html = render_to_string(
        "certificates/certificate_pdf.html",
        {
            "certificate": certificate,
            "verification_url": certificate.verification_url(),
            "qr": qr_data_uri(certificate.verification_url()),
            "signature": signature_data_uri(certificate),
        },
    )
    return HTML(string=html, base_url=".").write_pdf()


def ensure_pdf(certificate):
    """The stored PDF, made and stored now if it is missing."""
    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        return certificate.pdf
    content = render_pdf(certificate)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(content), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate.pdf
