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
