"""Certificates: immutable records of completed CE, with what they state snapshotted."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cms.links import absolute_url

from .codes import display

# LinkedIn's documented "Add to profile" link for certifications: it opens the learner's
# profile form prefilled; nothing is sent to LinkedIn until the learner saves it there.
LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def licence_facts(licence_number, licence_state, ncbtmb_number):
    """The learner's licence facts as (label, value) pairs, leaving out any not given, so a
    learner without them gets no empty labels."""
    facts = [
        ("Licence number", licence_number),
        ("Licence state", licence_state),
        ("NCBTMB number", ncbtmb_number),
    ]
    return [(label, value.strip()) for label, value in facts if value and value.strip()]


class Certificate(models.Model):
    """A Certificate of Achievement. Never deleted; revoking records who, when and why."""

    VALID = "valid"
    REVOKED = "revoked"
    STATUSES = [(VALID, "Valid"), (REVOKED, "Revoked")]

    code = models.CharField(max_length=16, unique=True, editable=False)
    enrollment = models.OneToOneField(
        "courses.Enrollment", on_delete=models.PROTECT, related_name="certificate"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="certificates"
    )
    # Snapshot of every fact the certificate states, as it was at issue.
    title = models.CharField(max_length=100, default="Certificate of Achievement")
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    course_code = models.CharField(max_length=50)
    course_type = models.CharField(max_length=50)
    ce_hours = models.DecimalField(max_digits=5, decimal_places=2)
    completed_on = models.DateField()
    issued_at = models.DateTimeField()
    provider_name = models.CharField(max_length=255)
    provider_number = models.CharField(max_length=50, blank=True)
    provider_address = models.TextField(blank=True)
    provider_email = models.EmailField(blank=True)
    signatory_name = models.CharField(max_length=255, blank=True)
    signatory_title = models.CharField(max_length=255, blank=True)
    approvals = models.JSONField(default=list, blank=True)
    # [[name, credentials], ...] in the course's order, as the course named them at issue.
    instructors = models.JSONField(default=list, blank=True)
    # The learner's licence as it was at issue, kept only when the provider prints it on
    # certificates (ProviderSettings.show_licence_on_certificates); blank otherwise.
    licence_number = models.CharField(max_length=50, blank=True)
    licence_state = models.CharField(max_length=100, blank=True)
    ncbtmb_number = models.CharField("NCBTMB number", max_length=50, blank=True)
    # Revocation
    status = models.CharField(max_length=10, choices=STATUSES, default=VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(blank=True)
    pdf = models.FileField(upload_to="certificates/", blank=True)
    signature = models.FileField(
        upload_to="certificates/signatures/",
        blank=True,
        editable=False,
        help_text="A copy of the signature image as it was at issue.",
    )
    logo = models.FileField(
        upload_to="certificates/logos/",
        blank=True,
        editable=False,
        help_text="A copy of the provider's logo as it was at issue.",
    )
    status_list_index = models.PositiveIntegerField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="This certificate's bit in the revocation status list (random).",
    )
    recipient_salt = models.CharField(max_length=32, blank=True, editable=False)
    recipient_email_hash = models.CharField(max_length=80, blank=True, editable=False)
    credential = models.JSONField(
        null=True, blank=True, editable=False, help_text="The signed credential, made once."
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="valid")
                | (
                    models.Q(status="revoked")
                    & models.Q(revoked_at__isnull=False)
                    & ~models.Q(revocation_reason="")
                ),
                name="revocation_has_when_and_why",
            )
        ]

    def __str__(self):
        return f"{self.display_code} {self.learner_name}: {self.course_title}"

    def get_absolute_url(self):
        return reverse("certificates:verify_code", args=[self.display_code])

    @property
    def display_code(self):
        return display(self.code)

    @property
    def is_revoked(self):
        return self.status == self.REVOKED

    def verification_url(self):
        return absolute_url(self.get_absolute_url())

    def credential_url(self):
        return absolute_url(reverse("certificates:credential", args=[self.display_code]))

    def pdf_url(self):
        return reverse("certificates:pdf", args=[self.display_code])

    def linkedin_add_url(self):
        """The "Add to LinkedIn profile" link, prefilled with the course, the provider, the
        issue month, the code and the verification URL (docs/decisions.md, issue 17)."""
        issued = timezone.localdate(self.issued_at, timezone.get_default_timezone())
        query = {
            "startTask": "CERTIFICATION_NAME",
            "name": self.course_title,
            "organizationName": self.provider_name,
            "issueYear": issued.year,
            "issueMonth": issued.month,
            "certUrl": self.verification_url(),
            "certId": self.display_code,
        }
        return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(query)}"

    def instructor_names(self):
        """Each instructor this certificate states, as "Name, credentials"."""
        return [", ".join(part for part in pair if part) for pair in self.instructors]

    def licence_facts(self):
        """The learner's licence facts this certificate states (its snapshot), if any."""
        return licence_facts(self.licence_number, self.licence_state, self.ncbtmb_number)


class AssociationApiKey(models.Model):
    """An association's key for the verification API. Only a hash of the secret is kept."""

    name = models.CharField("association", max_length=200)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "association API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None


class VerificationLog(models.Model):
    """Every verification lookup: when, who, which code, and what it found."""

    VALID = "valid"
    REVOKED = "revoked"
    NOT_FOUND = "not_found"
    MALFORMED = "malformed"
    RESULTS = [
        (VALID, "Valid"),
        (REVOKED, "Revoked"),
        (NOT_FOUND, "Not found"),
        (MALFORMED, "Malformed"),
    ]
    PAGE = "page"
    API = "api"
    BULK = "bulk"
    DESK = "desk"
    CHANNELS = [
        (PAGE, "Verify page"),
        (API, "API, one code"),
        (BULK, "API, bulk"),
        (DESK, "Verification desk"),
    ]

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    channel = models.CharField(max_length=10, choices=CHANNELS)
    api_key = models.ForeignKey(
        AssociationApiKey, null=True, blank=True, on_delete=models.PROTECT, related_name="lookups"
    )
    # The signed-in person behind a verification desk lookup (none for the page and the API).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    code = models.CharField(max_length=64)
    result = models.CharField(max_length=10, choices=RESULTS)

    class Meta:
        ordering = ["-at"]
        permissions = [("use_verification_desk", "Can use the verification desk")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.code} {self.result}"


class SigningKey(models.Model):
    """A public key the issuer publishes. Retired keys stay published so old credentials
    keep verifying; private keys never enter the database."""

    key_id = models.CharField(max_length=40, unique=True)
    public_key_multibase = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.key_id
