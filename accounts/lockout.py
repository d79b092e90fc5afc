"""The page shown while django-axes has locked sign-in for an account or an address."""

from django.conf import settings
from django.shortcuts import render


def username_of(request, credentials=None):
    """The account a sign-in attempt is for, as one key whatever the case of the email (the
    site form and the Wagtail admin form both post it as `username`)."""
    text = (credentials or {}).get("username") or request.POST.get("username", "")
    return text.strip().lower()


def locked_out(request, original_response=None, credentials=None):
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "accounts/locked_out.html",
        {"retry_after_minutes": retry_after // 60},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
