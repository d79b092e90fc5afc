import zoneinfo

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from wagtail.contrib.redirects.middleware import RedirectMiddleware


class SiteRedirectMiddleware(RedirectMiddleware):
    """Wagtail's editor-managed redirects, for pages only.

    A 404 from the JSON API means "no such certificate", never a moved page, so it skips the
    two redirect look-ups (the verification API's query budget is three).
    """

    API_PREFIX = "/api/"

    def process_response(self, request, response):
        if request.path.startswith(self.API_PREFIX):
            return response
        return super().process_response(request, response)


class ApiJsonErrorsMiddleware:
    """Under /api/, every error is JSON with a `detail` message.

    The API's own views already answer in JSON; this covers what Django and the URL router
    answer before them (an unknown path, a method not allowed, a CSRF or size refusal).
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(self.API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = {
                404: "There is nothing at this address in the API.",
                405: f"This address accepts {response.get('Allow', 'other methods')} only.",
            }.get(response.status_code, response.reason_phrase or "The request failed.")
            json_response = JsonResponse({"detail": detail}, status=response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


class LearnerTimeZoneMiddleware:
    """Shows times in the signed-in user's own time zone.

    Reads the zone name from `request.user.time_zone` (an IANA name, validated when saved;
    blank means the site's TIME_ZONE) without naming the user model, and activates it for the
    request, so Django's date and time filters render in it. Deactivated afterwards, so a
    worker thread carries nothing over to the next request. Anonymous requests keep the
    site's zone, and so do the cached anonymous pages. A request without a session cookie
    cannot be signed in, so it is left alone: looking at `request.user` would load the session
    and add `Vary: Cookie` to responses (the API's among them) that do not depend on it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        zone = learner_zone(getattr(request, "user", None))
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PrivateResponsesMiddleware:
    """Every response to a signed-in user is `Cache-Control: private, no-store`.

    Such a response may hold personal data (the dashboard, the profile, transcripts, quiz
    reviews): no shared cache may keep it and no browser may store it on disk. One rule for
    every signed-in page, so a new page with personal data cannot forget it. A view that set
    its own Cache-Control keeps it. Requests without a session cookie cannot be signed in and
    are left alone (they are what the anonymous page cache serves).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not response.has_header("Cache-Control")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


def learner_zone(user):
    """The user's ZoneInfo, or None for an anonymous user, a blank zone or a name the zone
    database does not know (say, one removed from it since it was saved)."""
    name = getattr(user, "time_zone", "") if user is not None else ""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
