"""How many emails of one kind an address may receive, whoever asks for them.

Forms that send mail to an address typed by a stranger (password reset, on the site and in
Wagtail's admin; the notice that an address already has an account) count each send against
the address, so nobody can fill a person's inbox. Past the limit the page still answers as if
the mail had gone: a different answer would tell a stranger whether the address has an
account. The limits are settings.RATE_LIMITS entries (cms/ratelimit.py).
"""

import hashlib

from cms.ratelimit import hit_scope


def address_key(email):
    """The address as a rate-limit key: case-folded and hashed (no address in the cache)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def may_email_address(scope, email, now=None):
    """Count one email of `scope` to `email`; whether it may be sent."""
    return hit_scope(scope, address_key(email), now=now).allowed
