"""The public verification API (DESIGN.md section 5), with its OpenAPI document.

Who may call it: anyone, with a lower rate limit per client address, or an association with
an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) and a higher limit per key.
The callers are ninja auth classes, so the OpenAPI document names both key schemes, with an
empty requirement beside them for anonymous use. Request bodies are JSON only (415 otherwise).
Swagger UI at /api/v1/docs is served from our own static files (ninja's, with "ninja" in
INSTALLED_APPS), so it runs under the site's Content Security Policy.
"""

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from ninja import Body, NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import APIKeyHeader, HttpBearer
from pydantic import Field

from cms.ratelimit import client_ip, hit, hit_and_get

from .api_keys import InvalidApiKey, authenticate_key
from .audit import log_lookups, result_of_status
from .batch import log_distinct, look_up
from .codes import MalformedCode, normalize
from .credential_check import check_credential
from .lookup import answer_key, keep_answer, public_facts
from .models import AssociationApiKey, VerificationLog

MAX_BULK = 1000
JSON = "application/json"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Caller:
    """Who is asking (`request.auth`): an association's key, or None for anyone else, and the
    rate-limit bucket and limit they are counted in."""

    api_key: AssociationApiKey | None
    bucket: str
    limit: int


class TooManyRequests(Exception):
    def __init__(self, retry_after):
        super().__init__(f"Too many requests; retry after {retry_after} s")
        self.retry_after = retry_after


def api_limit(api_key):
    """Requests per minute for a caller: higher with an association key."""
    if api_key is not None:
        return settings.API_RATE_LIMIT_KEYED
    return settings.API_RATE_LIMIT_ANONYMOUS


def identify(request, api_key=None):
    """The Caller, counted per key, or per client address without one; not counted yet."""
    bucket = f"api-key:{api_key.pk}" if api_key else f"api-ip:{client_ip(request)}"
    return Caller(api_key, bucket, api_limit(api_key))


def admit(request, api_key=None):
    """Count one request against its caller's limit and return the Caller; raises
    TooManyRequests over the limit."""
    caller = identify(request, api_key)
    allow(hit(caller.bucket, caller.limit))
    return caller


def allow(decision):
    """Go on, or answer 429 (TooManyRequests) for a request over its caller's limit."""
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after)


class KeyScheme:
    """What both key schemes do with a key they found: `caller(request, api_key)` (admit
    counts the caller, identify leaves the count to the operation); no key, no caller."""

    def __init__(self, caller=admit):
        super().__init__()
        self.caller = caller

    def authenticate(self, request, key):
        key = (key or "").strip()
        return admit_key(request, key, self.caller) if key else None


class ApiKeyBearer(KeyScheme, HttpBearer):
    openapi_description = "An association API key, sent as `Authorization: Bearer <key>`."


class ApiKeyHeader(KeyScheme, APIKeyHeader):
    param_name = "X-API-Key"
    openapi_description = "An association API key, sent as `X-API-Key: <key>`."


def admit_key(request, text, caller=admit):
    """`caller(request, api_key)` for a presented API key.

    A wrong, malformed or revoked key is counted against the client address's limit, as an
    anonymous request is: guessing keys meets 429 like any other flood, and within the limit
    each guess is answered 401.
    """
    try:
        api_key = authenticate_key(text)
    except InvalidApiKey as error:
        admit(request)  # raises TooManyRequests once the address is over its limit
        raise AuthenticationError(message=str(error)) from error
    return caller(request, api_key)


def callers(caller):
    """Ninja's auth list, tried in order: a Bearer key (it wins over X-API-Key), the header,
    then no key (anyone is served, at the anonymous limit per client address)."""
    return [ApiKeyBearer(caller), ApiKeyHeader(caller), caller]


# Every operation counts its caller as it authenticates them, but for the lookup of one
# certificate, which counts them together with its certificate read (admit_and_find).
CALLERS = callers(admit)
LOOKUP_CALLERS = callers(identify)
# ninja lists the two key schemes under each operation's `security`; this adds the empty
# requirement that says a call without a key is accepted too.
KEY_OPTIONAL = {"security": [{}]}

api = NinjaAPI(
    title="NMT CE certificate verification",
    version="1.0",
    description=(
        "Verify certificates issued by this provider, one at a time or in bulk. "
        "Anyone may call it (30 requests a minute per address by default); an association "
        "API key, sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`, raises the "
        "limit. Request bodies are JSON (`Content-Type: application/json`)."
    ),
    urls_namespace="api-v1",
    auth=CALLERS,
)


def json_bodies_only(run):
    """Operation wrapper: a request with a body must send it as JSON, or it is answered 415
    before anything else happens (no caller check, no lookup, no log row). An HTML form on
    another site can only send form-encoded, multipart or text/plain bodies, so it cannot
    make a visitor's browser run lookups here in the visitor's name."""

    @functools.wraps(run)
    def wrapped(request, *args, **kwargs):
        if request.method in BODY_METHODS and request.content_type != JSON:
            return JsonResponse(
                {"detail": f"Send the request body as JSON, with Content-Type: {JSON}."},
                status=415,
            )
        return run(request, *args, **kwargs)

    return wrapped


# "view" mode wraps the whole operation, ahead of ninja's auth and body parsing.
api.add_decorator(json_bodies_only, mode="view")


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


@api.exception_handler(TooManyRequests)
def too_many_requests(request, exc):
    response = JsonResponse(
        {
            "detail": "Too many requests. Try again in "
            f"{exc.retry_after} seconds, or ask for an association API key."
        },
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


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
    response={200: CredentialReport, 401: Error, 415: Error, 422: Error, 429: Error},
    summary="Check a signed credential: format, issuer, proof, status and dates",
    openapi_extra=KEY_OPTIONAL,
)
def verify_credential(request, credential: Body[dict[str, Any]]):
    report = check_credential(credential)
    return Status(200, {"verified": report.verified, "checks": report.checks})


def bulk_result(lookup):
    """The answer for one distinct code (a batch.Lookup)."""
    if lookup.code is None:
        return {"code": lookup.text, "found": False, "detail": lookup.error}
    if lookup.certificate is not None:
        return {
            "code": lookup.text,
            "found": True,
            "certificate": public_facts(lookup.certificate),
        }
    return {"code": lookup.text, "found": False, "detail": "No certificate has this code."}


# Declared before "/certificates/{code}", which would otherwise match "verify".
@api.post(
    "/certificates/verify",
    response={200: BulkOut, 401: Error, 415: Error, 422: Error, 429: Error},
    summary="Verify up to 1,000 certificates; one result per code, in order",
    description=(
        "Codes that name the same certificate (however typed: case, separators) are looked "
        "up and logged once; the answer still has one result per submitted code."
    ),
    openapi_extra=KEY_OPTIONAL,
)
def verify_many(request, payload: BulkIn):
    batch, distinct = look_up(payload.codes)
    log_distinct(request, VerificationLog.BULK, distinct, request.auth.api_key)
    once = [bulk_result(lookup) for lookup in distinct]
    results = [
        {**answer, "code": text}
        for text, answer in zip(payload.codes, batch.spread(once), strict=True)
    ]
    return Status(200, {"results": results})


def admit_and_find(caller, text):
    """Count the caller and find the API's answer for a code as typed: (status, JSON body),
    or None for no such certificate; the count and the kept answer read in one round trip
    to Redis (decision 0209). Raises TooManyRequests over the limit and, once counted,
    MalformedCode."""
    try:
        code = normalize(text)
    except MalformedCode:
        allow(hit(caller.bucket, caller.limit))
        raise
    decision, answer = hit_and_get(caller.bucket, caller.limit, answer_key(code))
    allow(decision)
    return answer if answer is not None else keep_answer(code)


@api.get(
    "/certificates/{code}",
    response={200: CertificateOut, 401: Error, 404: Error, 422: Error, 429: Error},
    summary="Verify one certificate",
    openapi_extra=KEY_OPTIONAL,
    auth=LOOKUP_CALLERS,
)
def get_certificate(request, code: str):
    api_key = request.auth.api_key
    try:
        answer = admit_and_find(request.auth, code)
    except MalformedCode as error:
        log_lookups(request, VerificationLog.API, [(code, VerificationLog.MALFORMED)], api_key)
        return Status(422, {"detail": str(error)})
    status, body = answer or (None, None)
    log_lookups(request, VerificationLog.API, [(code, result_of_status(status))], api_key)
    if body is None:
        return Status(404, {"detail": "No certificate has this code."})
    # The kept body is public_facts() as JSON, which tests/certificates/test_api_lookup.py
    # checks against CertificateOut; sent as it is, without validating it again per request.
    return HttpResponse(body, content_type=JSON)
