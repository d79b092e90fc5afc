"""Session limits: a session ends 12 hours after sign-in (SESSION_COOKIE_AGE) and after
SESSION_IDLE_TIMEOUT seconds without a request. Every signed-in request counts as activity,
the reading heartbeat and the quiz autosave included; the activity stamp is written at most
once a minute so that reading does not rewrite the session on every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
CAN_EDIT = "can_edit"
ACTIVITY_PRECISION = 60


@receiver(user_logged_in)
def stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
        request.session[CAN_EDIT] = can_edit(user)


def can_edit(user):
    """Whether to show Wagtail's editing bar on public pages: decided once at sign-in and kept
    in the session, instead of two permission queries on every page a learner reads."""
    return user.has_perm("wagtailadmin.access_admin")


def expiry_reason(session, now):
    """Why this session has ended, or None while it is still good."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
    if signed_in_at is None:
        return None  # signed in before these limits existed; the cookie age still applies
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return "You were signed out because 12 hours have passed since you signed in."
    if now - last_seen_at > settings.SESSION_IDLE_TIMEOUT:
        minutes = settings.SESSION_IDLE_TIMEOUT // 60
        return f"You were signed out after {minutes} minutes without activity."
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is signed in: no session or user to look at.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = int(time.time())
            reason = expiry_reason(request.session, now)
            if reason:
                logout(request)
                messages.info(request, f"{reason} Please sign in again; your progress is saved.")
                if request.method != "GET" or request.path.startswith("/api/"):
                    # Let the view answer as it does for anyone signed out (a 403 or a login
                    # redirect); nothing is changed for the expired session.
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(LAST_SEEN_AT, 0) >= ACTIVITY_PRECISION:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)
