"""The log of emails that must be sent at most once (accounts.SentEmail).

Apps that decide whom to remind (certificates/reminders.py) choose a `kind` and a `key` for
each occasion and send through `send_once`. The row is written first, in the same transaction
as the send: a second run, or a concurrent one, meets the unique constraint and sends nothing;
a send that fails rolls the row back, so the next run tries again. Only a crash between the
mail server accepting the message and the commit could send one twice.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SentEmail


def send_once(user, kind, key, send, now=None):
    """Call `send()` unless an email of this kind and key was already sent to the user.

    Returns whether it sent. Exceptions from `send` propagate, with nothing recorded."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            SentEmail.objects.create(user=user, kind=kind, key=key, sent_at=now)
            send()
    except IntegrityError:
        return False
    return True


def was_sent(user, kind, key):
    """Whether an email of this kind and key was sent to the user."""
    return SentEmail.objects.filter(user=user, kind=kind, key=key).exists()


def sent_since(kind, since, users=None):
    """The SentEmail rows of `kind` sent after `since` (optionally to those users)."""
    rows = SentEmail.objects.filter(kind=kind, sent_at__gt=since)
    if users is not None:
        rows = rows.filter(user__in=users)
    return rows
