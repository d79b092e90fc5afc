"""Closing a learner's account: personal data goes, the provider's records stay."""

import secrets

from django.db import transaction
from django.utils import timezone

from .renewal import DEFAULT_PERIOD_MONTHS
from .signals import account_closed

CLOSED_EMAIL_DOMAIN = "closed.invalid"


@transaction.atomic
def close_account(user):
    """Remove a learner's personal details and disable the account, keeping the row.

    The provider must keep completions, attempts and certificates for at least six years, so
    the User row stays (anonymised) and everything that points at it stays linked. Certificates
    keep the snapshot of the name they were issued with, which is part of the record the
    provider must keep. The email is replaced with an unroutable placeholder so the address
    can sign up again as a new account.
    """
    user.email = f"closed-{user.pk}-{secrets.token_hex(4)}@{CLOSED_EMAIL_DOMAIN}"
    user.legal_name = ""
    user.first_name = ""
    user.last_name = ""
    user.licence_number = ""
    user.licence_state = ""
    user.ncbtmb_number = ""
    user.ce_hours_required = None
    user.renewal_due_on = None
    user.renewal_period_months = DEFAULT_PERIOD_MONTHS
    user.email_confirmed_at = None
    user.course_reminders = False
    user.renewal_reminders = False
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.closed_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    account_closed.send(sender=type(user), user=user)
    return user
