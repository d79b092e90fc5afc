"""Sign-up that tells nobody whether an address already has an account.

Both outcomes look the same from outside: the form is accepted, the browser goes to the same
"Check your email" page, and one email goes to the address. A new address gets its account
and the link that confirms it (accounts/confirmation.py; following it signs the new learner
in). An address that already has an account gets a notice instead ("someone tried to create
an account with your address; sign in or reset your password") and nothing is created or
changed. Sign-up never signs anyone in by itself: that would differ between the two.

Notices are limited per address (RATE_LIMITS["signup_notice"], accounts/mail_limits.py), so
sign-up cannot be used to fill someone's inbox; past the limit nothing is sent and the page
is still the same.
"""

import logging

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse

from cms.links import absolute_url

from .confirmation import send_confirmation_email
from .emails import send_templated_email
from .mail_limits import may_email_address
from .models import User

logger = logging.getLogger(__name__)


def existing_account(email):
    """The account that already uses this address (in any case), or None."""
    return User.objects.filter(email__iexact=email).first()


def send_existing_account_notice(user):
    """Tell the owner of an address that someone tried to sign up with it, with links to sign
    in and to reset the password. At most RATE_LIMITS["signup_notice"] per address; returns
    whether it was sent. A mail server that is down is logged, never shown."""
    if not may_email_address("signup_notice", user.email):
        return False
    try:
        send_templated_email(
            user,
            "accounts/emails/signup_existing_account",
            {
                "login_url": absolute_url(reverse("accounts:login")),
                "reset_url": absolute_url(reverse("accounts:password_reset")),
            },
        )
    except Exception:  # noqa: BLE001 - backends raise many kinds; the page must not differ
        logger.exception("Could not send the existing-account notice to user %s", user.pk)
        return False
    return True


def register(form):
    """Act on a valid sign-up form: create the account and send its confirmation link, or,
    when the address already has an account, send its owner a notice and create nothing.
    Returns the new user, or None when the address was taken."""
    email = form.cleaned_data["email"]
    owner = existing_account(email)
    if owner is None:
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same address signed up at the same moment
            owner = existing_account(email)
        else:
            send_confirmation_email(user)
            return user
    # Hash the password anyway, so the answer takes as long as for a new account.
    make_password(form.cleaned_data["password1"])
    if owner is not None:
        send_existing_account_notice(owner)
    return None
