"""Turning off an optional email with one click from the email itself.

Each optional email (a reminder) carries a link with a signed token (`django.core.signing`,
a salt of its own) naming the user and the kind of email. The link opens a page that asks
for confirmation; its POST turns that kind off (the learner's profile turns it back on). The
token does not expire: an unsubscribe link must keep working for as long as the email is
kept. Only the kinds listed in KINDS can be turned off this way.
"""

from django.core import signing
from django.urls import reverse

from cms.links import absolute_url

from .models import User

SALT = "accounts.unsubscribe"
# kind -> (User field that allows it, what the learner stops receiving)
KINDS = {
    "course_reminder": ("course_reminders", "reminders of courses you have not finished"),
    "renewal_reminder": ("renewal_reminders", "licence renewal reminders"),
}


class UnsubscribeRefused(ValueError):
    """The link cannot unsubscribe anyone; the message says why."""


INVALID = (
    "This unsubscribe link is not valid. Check that you copied the whole link from the email, "
    "or sign in and turn the emails off in your profile."
)


def make_token(user, kind):
    """A signed token that turns off `kind` emails for the user."""
    if kind not in KINDS:
        raise ValueError(f"Unknown optional email kind {kind!r}")
    return signing.dumps({"u": user.pk, "k": kind}, salt=SALT, compress=True)


def unsubscribe_url(user, kind):
    """The full unsubscribe link to put in an email of that kind."""
    return absolute_url(reverse("accounts:unsubscribe", args=[make_token(user, kind)]))


def read_token(token):
    """(user, kind) named by a token. Raises UnsubscribeRefused if it is forged or names a
    kind or user that does not exist (a closed account counts: it gets no email anyway)."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise UnsubscribeRefused(INVALID) from error
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        raise UnsubscribeRefused(INVALID)
    user_id = data.get("u")
    user = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
    if user is None:
        raise UnsubscribeRefused(INVALID)
    return user, data["k"]


def describe(kind):
    """What the learner stops receiving by turning off `kind`, in words."""
    return KINDS[kind][1]


def wants(user, kind):
    """Whether the user still accepts `kind` emails."""
    return getattr(user, KINDS[kind][0])


def unsubscribe(user, kind):
    """Turn off `kind` emails for the user (again is harmless)."""
    field = KINDS[kind][0]
    User.objects.filter(pk=user.pk).update(**{field: False})
    setattr(user, field, False)
