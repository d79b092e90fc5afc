"""The public verification API (DESIGN.md section 5), with its OpenAPI document."""

from django.http import JsonResponse

from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import Field

from .codes import MalformedCode
from .lookup import find_certificate, find_many, public_facts

api = NinjaAPI(
    title="NMT CE certificate verification",
    version="1.0",
    description="Verify certificates issued by this provider, one at a time or in bulk.",
    urls_namespace="api-v1",
)

MAX_BULK = 1000


class Error(Schema):
    detail: str


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


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = first.get("msg", "Invalid request.")
    return JsonResponse(
        {"detail": f"{where}: {message}" if where else message, "errors": exc.errors},
        status=422,
    )


# Declared before "/certificates/{code}", which would otherwise match "verify".
@api.post(
    "/certificates/verify",
    response={200: BulkOut, 422: Error},
    summary="Verify up to 1,000 certificates; one result per code, in order",
)
def verify_many(request, payload: BulkIn):
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
    return Status(200, {"results": results})


@api.get(
    "/certificates/{code}",
    response={200: CertificateOut, 404: Error, 422: Error},
    summary="Verify one certificate",
)
def get_certificate(request, code: str):
    try:
        certificate = find_certificate(code)
    except MalformedCode as error:
        return Status(422, {"detail": str(error)})
    if certificate is None:
        return Status(404, {"detail": "No certificate has this code."})
    return Status(200, public_facts(certificate))
