"""Issuing certificates when a course is completed, and revoking them."""

import logging
from functools import partial
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import Site

from cms.links import absolute_url
from cms.models import ProviderSettings
from cms.text import without_invisible_characters
from courses.models import CoursePage
from quizzes.models import CourseCompletion

from .codes import new_code
from .lookup import forget_certificate
from .models import Certificate
from .openbadges import recipient_identity
from .status_list import forget_status_list

logger = logging.getLogger(__name__)
CODE_TRIES = 5


def certificate_facts(enrollment, completed_at):
    """Every fact the certificate states, read now and kept as its snapshot."""
    course = CoursePage.objects.defer_streamfields().get(pk=enrollment.course_id)
    provider = ProviderSettings.for_site(Site.objects.get(is_default_site=True))
    user = enrollment.user
    # Kept only when the provider prints them: a certificate holds no personal data it does
    # not state.
    shown = provider.show_licence_on_certificates
    return {
        "title": "Certificate of Achievement"
        if course.course_type == CoursePage.HOME_STUDY
        else "Certificate of Completion",
        # Names are checked when typed; this keeps a name stored before that check (or set
        # outside the forms) from printing reversed or with hidden characters.
        "learner_name": without_invisible_characters(user.legal_name or user.get_full_name()),
        "licence_number": user.licence_number.strip() if shown else "",
        "licence_state": user.licence_state.strip() if shown else "",
        "ncbtmb_number": user.ncbtmb_number.strip() if shown else "",
        "course_title": course.approved_title,
        "course_code": course.course_code,
        "course_type": course.get_course_type_display(),
        "ce_hours": course.ce_hours,
        # In the site's zone, not the learner's (a page request runs in the learner's zone,
        # the repair job in the site's): one certificate, one date, however it was issued.
        "completed_on": timezone.localdate(completed_at, timezone.get_default_timezone()),
        "provider_name": provider.provider_name,
        "provider_number": provider.ncbtmb_provider_number,
        "provider_address": provider.address,
        "provider_email": provider.email,
        "signatory_name": provider.signatory_name,
        "signatory_title": provider.signatory_title,
        "approvals": [[a.approver, a.number] for a in course.approvals.all()],
        "instructors": [
            [link.instructor.name, link.instructor.credentials]
            for link in course.course_instructors.select_related("instructor")
        ],
        # Not facts but images: copied into the certificate's own files at issue.
        "_images": {"signature": provider.signature_image, "logo": provider.logo},
    }


# Administrative history of a certificate, in Wagtail's audit log (registered in
# wagtail_hooks.py; shown on the admin certificate page and in Reports > Site history).
ISSUE = "nmt.certificate.issue"
REVOKE = "nmt.certificate.revoke"


def issue_certificate(enrollment, completed_at, now=None):
    """Issue the enrollment's certificate once; return (certificate, created).

    The one-to-one enrollment decides under concurrency: a lost race returns the winner's
    certificate. A code collision (80 random bits: practically never) draws again.
    """
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing:
        return existing, False
    now = now or timezone.now()
    facts = certificate_facts(enrollment, completed_at)
    images = facts.pop("_images")
    salt, email_hash = recipient_identity(enrollment.user.email)
    for _ in range(CODE_TRIES):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=new_code(),
                    enrollment=enrollment,
                    user_id=enrollment.user_id,
                    course_id=enrollment.course_id,
                    issued_at=now,
                    recipient_salt=salt,
                    recipient_email_hash=email_hash,
                    **facts,
                )
                keep_images(certificate, images)
        except IntegrityError:
            existing = Certificate.objects.filter(enrollment=enrollment).first()
            if existing:
                return existing, False
            continue
        log(certificate, ISSUE, data={"code": certificate.display_code})
        transaction.on_commit(partial(after_issue, certificate.pk))
        return certificate, True
    raise RuntimeError("Could not draw an unused verification code.")


def issue_missing_certificates(user=None):
    """Issue the certificate of every recorded completion that has none (a crash between
    completion and issue, say); return how many were issued. Safe to run at any time."""
    pending = CourseCompletion.objects.filter(enrollment__certificate__isnull=True)
    if user is not None:
        pending = pending.filter(enrollment__user=user)
    issued = 0
    for completion in pending.select_related("enrollment", "enrollment__user"):
        with transaction.atomic():
            _, created = issue_certificate(completion.enrollment, completion.completed_at)
        issued += created
    return issued


def copy_image(certificate, field_name, image):
    """Copy an image's file into one of the certificate's file fields (not saved yet), so the
    certificate keeps it as it was at issue, whatever happens to the image later."""
    with image.file.open("rb") as source:
        getattr(certificate, field_name).save(
            f"{certificate.code}{Path(image.file.name).suffix.lower()}",
            ContentFile(source.read()),
            save=False,
        )


def keep_images(certificate, images):
    """Copy the provider's signature and logo into the new certificate, in one save (inside
    the transaction that creates it).

    A signature that cannot be read stops the issue and rolls the certificate back (NCBTMB
    asks for the provider's signature; the completion stays recorded and
    `repair_certificates` issues it once the file can be read). A logo is decoration: one
    that cannot be read is logged and the certificate shows the provider's initials."""
    copied = []
    for field_name, image in images.items():
        if image is None:
            continue
        try:
            copy_image(certificate, field_name, image)
        except Exception:  # noqa: BLE001 - storage errors vary by backend; the logo is optional
            if field_name == "signature":
                raise
            logger.exception(
                "Could not copy the %s for certificate %s", field_name, certificate.pk
            )
            continue
        copied.append(field_name)
    if copied:
        certificate.save(update_fields=copied)


def after_issue(certificate_id):
    """Make the PDF (in the background) and tell the learner."""
    from .tasks import generate_certificate_pdf

    try:
        generate_certificate_pdf.enqueue(certificate_id)
    except Exception:  # noqa: BLE001 - the PDF is made on first download instead
        logger.exception("Could not queue the PDF for certificate %s", certificate_id)
    certificate = Certificate.objects.select_related("user").get(pk=certificate_id)
    send_certificate_email(certificate)


def send_certificate_email(certificate):
    context = {"certificate": certificate, "base": absolute_url()}
    send_mail(
        subject=f"Your certificate for {certificate.course_title}",
        message=render_to_string("certificates/issued_email.txt", context),
        from_email=None,
        recipient_list=[certificate.user.email],
        fail_silently=True,
    )


class RevocationRefused(ValueError):
    pass


def revoke_certificate(certificate, by, reason, now=None):
    """Mark a certificate revoked with who, when and why. Never deletes; done once."""
    reason = (reason or "").strip()
    if not reason:
        raise RevocationRefused("Give the reason for revoking this certificate.")
    now = now or timezone.now()
    with transaction.atomic():
        revoked = Certificate.objects.filter(pk=certificate.pk, status=Certificate.VALID).update(
            status=Certificate.REVOKED, revoked_at=now, revoked_by=by, revocation_reason=reason
        )
        if revoked:
            log(certificate, REVOKE, user=by, data={"reason": reason})
    transaction.on_commit(forget_status_list)
    transaction.on_commit(partial(forget_certificate, certificate.code))
    certificate.refresh_from_db()
    return certificate
