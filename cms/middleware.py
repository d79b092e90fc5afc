from django.http import JsonResponse

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
