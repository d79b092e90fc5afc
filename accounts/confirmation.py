"""Confirming a learner's email address.

A learner confirms the address they signed up with by following a link sent to it. The link
carries a token made with Django's signing (`django.core.signing.dumps`, HMAC with the
SECRET_KEY, a salt of its own, and a timestamp checked with `max_age`): no crypto of our own.
The token names the user and the address it was sent to, so a link sent to an old address
never confirms a new one, and a confirmed address that is changed must be confirmed again.

Until then a learner can sign in, enroll and read; the final exam waits on a confirmed address
(`needs_confirmation`, asked by quizzes.gating), so every certificate goes to one.
"""

import logging
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cms.links import absolute_url
from cms.ratelimit import hit

from .emails import send_templated_email
from .models import User

SALT = "accounts.confirmation.email"
# Long enough for a learner who signs up on Friday and reads mail on Monday.
logger = logging.getLogger(__name__)
MAX_AGE_DAYS = 7
MAX_AGE_SECONDS = MAX_AGE_DAYS * 24 * 60 * 60
# Resending: at most this many confirmation emails per learner per window (cms/ratelimit.py).
RESEND_LIMIT = 3
RESEND_WINDOW_SECONDS = 60 * 60


def needs_confirmation(user):
    """Whether the learner must confirm their email address before a final exam."""
    return user.email_confirmed_at is None


def make_token(user):
    """A signed, timestamped token naming the user and the address it confirms."""
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=SALT, compress=True)


def confirmation_url(user):
    """The full link to put in the email (BASE_URL + the confirm page)."""
    path = reverse("accounts:confirm_email", args=[make_token(user)])
    return absolute_url(path)


class ConfirmationRefused(ValueError):
    """The token cannot confirm anything; the message says why and what to do."""


EXPIRED = (
    f"This confirmation link has expired (links work for {MAX_AGE_DAYS} days). Sign in and "
    "ask for a new one from your profile."
)
INVALID = (
    "This confirmation link is not valid. Check that you copied the whole link from the "
    "email, or sign in and ask for a new one from your profile."
)
STALE = (
    "This link was sent to an email address that is no longer on the account. Sign in and "
    "ask for a new link to the current address from your profile."
)


def user_for_token(token, max_age=MAX_AGE_SECONDS):
    """The user a token confirms. Raises ConfirmationRefused if it is forged, expired, for a
    closed account or for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ConfirmationRefused(EXPIRED) from error
    except signing.BadSignature as error:
        raise ConfirmationRefused(INVALID) from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise ConfirmationRefused(INVALID)
    user = User.objects.filter(pk=data["u"], is_active=True, closed_at__isnull=True).first()
    if user is None:
        raise ConfirmationRefused(INVALID)
    if user.email.lower() != str(data.get("e", "")).lower():
        raise ConfirmationRefused(STALE)
    return user


def confirm_email(token, now=None, max_age=MAX_AGE_SECONDS):
    """Confirm the address a token was sent to; return the user. Done once: confirming again
    keeps the first time. Raises ConfirmationRefused (and changes nothing) for a bad token."""
    user = user_for_token(token, max_age=max_age)
    now = now or timezone.now()
    # Conditional on the address too, so a change of address in between confirms nothing.
    User.objects.filter(pk=user.pk, email=user.email, email_confirmed_at__isnull=True).update(
        email_confirmed_at=now
    )
    user.refresh_from_db(fields=["email_confirmed_at"])
    return user


def signs_in_on_confirmation(visitor, first_time):
    """Whether confirming signs the learner in: only the first confirmation, and only for a
    visitor nobody is signed in as. Sign-up leaves a new learner signed out, so the link is
    how they arrive; used again later it only says the address is confirmed."""
    return first_time and not visitor.is_authenticated


def send_confirmation_email(user):
    """Email the learner a link that confirms their address (HTML and text). Returns whether
    the mail backend took it: a mail server that is down never fails a sign-up, and the
    learner can ask again."""
    try:
        send_templated_email(
            user,
            "accounts/emails/confirm_email",
            {"confirm_url": confirmation_url(user), "max_age_days": MAX_AGE_DAYS},
        )
    except Exception:  # noqa: BLE001 - backends raise many kinds; logged, learner can resend
        logger.exception("Could not send the email confirmation to user %s", user.pk)
        return False
    return True


@dataclass(frozen=True)
class Resend:
    """What became of a request to send the confirmation again."""

    sent: bool
    message: str
    retry_after: int = 0


def resend_confirmation(user, now=None):
    """Send the confirmation again, unless the address is confirmed already or the learner
    has asked too often (RESEND_LIMIT per RESEND_WINDOW_SECONDS)."""
    if not needs_confirmation(user):
        return Resend(False, "Your email address is already confirmed.")
    decision = hit(f"confirm_email_resend:{user.pk}", RESEND_LIMIT, RESEND_WINDOW_SECONDS, now=now)
    if not decision.allowed:
        minutes = max(1, round(decision.retry_after / 60))
        return Resend(
            False,
            f"We have already sent you {RESEND_LIMIT} confirmation emails this hour. Check "
            f"your inbox and spam folder, or ask again in {minutes} minutes.",
            decision.retry_after,
        )
    if not send_confirmation_email(user):
        return Resend(False, "We could not send the email just now. Please try again later.")
    return Resend(True, f"We have sent a new confirmation link to {user.email}.")
