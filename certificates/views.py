"""Thin views: verification pages and the certificate PDF."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from cms.ratelimit import rate_limited
from cms.spreadsheets import csv_response

from .audit import log_lookups, result_of
from .codes import MalformedCode, display, normalize
from .lookup import find_certificate
from .models import VerificationLog
from .openbadges import issuer_profile, signed_credential
from .pdf import open_pdf
from .status_list import LIST_ID, status_list_credential
from .transcript import (
    TRANSCRIPT_HEADER,
    TranscriptRangeForm,
    build_transcript,
    transcript_pdf,
    transcript_rows,
)


def verify_form(request, code="", error=None):
    """The verification form, with what was typed and why it is not a code (400) if so."""
    return render(
        request,
        "certificates/verify.html",
        {"code": code, "error": error},
        status=400 if error else 200,
    )


@require_GET
@rate_limited("verify_page", "verification look-ups", methods=("GET",))
def verify(request):
    """The verification form; a submitted code goes to its own page."""
    text = request.GET.get("code", "").strip()
    if not text:
        return verify_form(request)
    try:
        return redirect("certificates:verify_code", code=display(normalize(text)))
    except MalformedCode as malformed:
        return verify_form(request, text, str(malformed))


@require_GET
@rate_limited("verify_page", "verification look-ups", methods=("GET",))
def verify_code(request, code):
    try:
        certificate = find_certificate(code)
    except MalformedCode as malformed:
        log_lookups(request, VerificationLog.PAGE, [(code, VerificationLog.MALFORMED)])
        return verify_form(request, code, str(malformed))
    log_lookups(request, VerificationLog.PAGE, [(code, result_of(certificate))])
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
    return FileResponse(
        open_pdf(certificate),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"certificate-{certificate.display_code}"
        f"{'-revoked' if certificate.is_revoked else ''}.pdf",
    )


def _transcript(request):
    form = TranscriptRangeForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return None, HttpResponse(
            f"Transcript not made: {errors}", status=400, content_type="text/plain"
        )
    data = form.cleaned_data
    return build_transcript(request.user, data.get("start"), data.get("end")), None


@login_required
@require_GET
def transcript_as_csv(request):
    transcript, error = _transcript(request)
    if error:
        return error
    return csv_response("ce-transcript.csv", TRANSCRIPT_HEADER, transcript_rows(transcript))


@login_required
@require_GET
def transcript_as_pdf(request):
    transcript, error = _transcript(request)
    if error:
        return error
    response = HttpResponse(transcript_pdf(transcript), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="ce-transcript.pdf"'
    return response


@require_GET
def credential_json(request, code):
    """The certificate's signed Open Badges 3.0 credential."""
    try:
        certificate = find_certificate(code)
    except MalformedCode as malformed:
        return JsonResponse({"detail": str(malformed)}, status=422)
    if certificate is None:
        return JsonResponse({"detail": "No certificate has this code."}, status=404)
    response = JsonResponse(signed_credential(certificate), json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/vc+ld+json"
    return response


@require_GET
def issuer(request):
    """The issuer profile, publishing every key that has signed credentials."""
    return JsonResponse(issuer_profile(), json_dumps_params={"indent": 2})


@require_GET
def status_list(request, list_id):
    """The signed Bitstring Status List credential of revoked certificates."""
    if list_id != LIST_ID:
        return JsonResponse({"detail": "There is no status list with this id."}, status=404)
    return JsonResponse(status_list_credential(), json_dumps_params={"indent": 2})
