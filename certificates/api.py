"""The public verification API (DESIGN.md section 5), with its OpenAPI document."""

from typing import Any

from django.conf import settings
from django.http import JsonResponse

from ninja import Body, NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import Field

from cms.ratelimit import client_ip, hit

from .api_keys import InvalidApiKey, authenticate_key, key_from_request
from .audit import log_lookups, result_of
from .codes import MalformedCode
from .credential_check import check_credential
from .lookup import find_certificate, find_many, public_facts
from .models import VerificationLog

api = NinjaAPI(
    title="NMT CE certificate verification",
    version="1.0",
    description="Verify certificates issued by this provider, one at a time or in bulk.",
    urls_namespace="api-v1",
)

MAX_BULK = 1000


class Error(Schema):
    detail: str


class InstructorOut(Schema):
    name: str
    credentials: str


class CertificateOut(Schema):
    code: str
    status: str
    learner_name: str
    course_title: str
    course_type: str
    ce_hours: str
    completed_on: str
    issued_at: str
    provider_name: str
    provider_number: str
    instructors: list[InstructorOut] = Field(
        default_factory=list, description="The course's instructors, as the certificate states."
    )
    verification_url: str
    credential_url: str
    revoked_at: str | None = None
    revocation_reason: str | None = None


class BulkIn(Schema):
    codes: list[str] = Field(..., max_length=MAX_BULK, description="At most 1,000 codes.")


class BulkResult(Schema):
    code: str
    found: bool
    detail: str | None = None
    certificate: CertificateOut | None = None


class BulkOut(Schema):
    results: list[BulkResult]


def api_limit(api_key):
    """Requests per minute for a caller: higher with an association key."""
    if api_key is not None:
        return settings.API_RATE_LIMIT_KEYED
    return settings.API_RATE_LIMIT_ANONYMOUS


def admit(request):
    """(association key or None, refusal response or None) for an API request."""
    text = key_from_request(request)
    api_key = None
    if text:
        try:
            api_key = authenticate_key(text)
        except InvalidApiKey as error:
            return None, JsonResponse({"detail": str(error)}, status=401)
    bucket = f"api-key:{api_key.pk}" if api_key else f"api-ip:{client_ip(request)}"
    decision = hit(bucket, api_limit(api_key))
    if not decision.allowed:
        response = JsonResponse(
            {
                "detail": "Too many requests. Try again in "
                f"{decision.retry_after} seconds, or ask for an association API key."
            },
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after)
        return api_key, response
    return api_key, None


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = first.get("msg", "Invalid request.")
    return JsonResponse(
        {"detail": f"{where}: {message}" if where else message, "errors": exc.errors},
        status=422,
    )


class CheckOut(Schema):
    check: str
    passed: bool
    detail: str


class CredentialReport(Schema):
    verified: bool
    checks: list[CheckOut]


@api.post(
    "/credentials/verify",
    response={200: CredentialReport, 401: Error, 422: Error, 429: Error},
    summary="Check a signed credential: format, issuer, proof, status and dates",
)
def verify_credential(request, credential: Body[dict[str, Any]]):
    _, refusal = admit(request)
    if refusal:
        return refusal
    report = check_credential(credential)
    return Status(200, {"verified": report.verified, "checks": report.checks})


# Declared before "/certificates/{code}", which would otherwise match "verify".
@api.post(
    "/certificates/verify",
    response={200: BulkOut, 401: Error, 422: Error, 429: Error},
    summary="Verify up to 1,000 certificates; one result per code, in order",
)
def verify_many(request, payload: BulkIn):
    api_key, refusal = admit(request)
    if refusal:
        return refusal
    normalized, found = find_many(payload.codes)
    results = []
    for text in payload.codes:
        value = normalized[text]
        if isinstance(value, MalformedCode):
            results.append({"code": text, "found": False, "detail": str(value)})
        elif value in found:
            results.append(
                {"code": text, "found": True, "certificate": public_facts(found[value])}
            )
        else:
            results.append(
                {"code": text, "found": False, "detail": "No certificate has this code."}
            )
    log_lookups(
        request,
        VerificationLog.BULK,
        [
            (
                text,
                result_of(found.get(normalized[text]), isinstance(normalized[text], Exception)),
            )
            for text in payload.codes
        ],
        api_key,
    )
    return Status(200, {"results": results})


@api.get(
    "/certificates/{code}",
    response={200: CertificateOut, 401: Error, 404: Error, 422: Error, 429: Error},
    summary="Verify one certificate",
)
def get_certificate(request, code: str):
    api_key, refusal = admit(request)
    if refusal:
        return refusal
    try:
        certificate = find_certificate(code)
    except MalformedCode as error:
        log_lookups(request, VerificationLog.API, [(code, VerificationLog.MALFORMED)], api_key)
        return Status(422, {"detail": str(error)})
    log_lookups(request, VerificationLog.API, [(code, result_of(certificate))], api_key)
    if certificate is None:
        return Status(404, {"detail": "No certificate has this code."})
    return Status(200, public_facts(certificate))
