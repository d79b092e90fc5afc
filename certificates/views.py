"""Thin views: verification pages and the certificate PDF."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .codes import MalformedCode, display, normalize
from .lookup import find_certificate
from .pdf import ensure_pdf


@require_GET
def verify(request):
    """The verification form; a submitted code goes to its own page."""
    text = request.GET.get("code", "").strip()
    error = None
    if text:
        try:
            return redirect("certificates:verify_code", code=display(normalize(text)))
        except MalformedCode as malformed:
            error = str(malformed)
    return render(
        request,
        "certificates/verify.html",
        {"code": text, "error": error},
        status=400 if error else 200,
    )


@require_GET
def verify_code(request, code):
    try:
        certificate = find_certificate(code)
    except MalformedCode as malformed:
        return render(
            request,
            "certificates/verify.html",
            {"code": code, "error": str(malformed)},
            status=400,
        )
    return render(
        request,
        "certificates/verify_result.html",
        {"certificate": certificate, "code": code},
        status=200 if certificate else 404,
    )


@require_GET
def certificate_pdf(request, code):
    """The PDF, for anyone holding the code (owners, staff, verifiers)."""
    try:
        certificate = find_certificate(code)
    except MalformedCode:
        certificate = None
    if certificate is None:
        raise Http404("No certificate has this code.")
    pdf = ensure_pdf(certificate)
    return FileResponse(
        pdf.open("rb"),
        content_type="application/pdf",
        filename=f"certificate-{certificate.display_code}.pdf",
    )
