"""Security headers that differ between the public site and the Wagtail admin.

Public pages get the strict CONTENT_SECURITY_POLICY: scripts and styles from our own static
files only. The Wagtail admin still relies on inline scripts and styles, and frames its own
page previews, so under /admin/ the policy is ADMIN_CONTENT_SECURITY_POLICY and framing by the
same origin is allowed.
"""

import http

from django.conf import settings

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy

ADMIN_PREFIX = "/admin/"


def is_admin(request):
    return request.path_info.startswith(ADMIN_PREFIX)


class SiteCSPMiddleware:
    """Sets the Content-Security-Policy header (and the report-only one, if configured).

    The header strings are django-csp's (`build_policy` from the settings), built once per
    process. Every response of a kind (the site, the admin) gets the same policy: no view
    uses django-csp's per-view decorators or nonces, and django-csp's own CSPMiddleware,
    which supports them, built the policy twice on every response: 44 of the 143 µs of a
    bare request (decision 0201). A view that needs them would need CSPMiddleware back.
    A response that already holds the header keeps it. As django-csp does, Django's debug
    pages (404 and 500 with DEBUG on) are left without a policy: they use inline code."""

    DEBUG_PAGES = (http.HTTPStatus.NOT_FOUND, http.HTTPStatus.INTERNAL_SERVER_ERROR)

    def __init__(self, get_response):
        self.get_response = get_response
        self.report_only = build_policy(report_only=True)
        self.site = build_policy()
        self.admin = build_policy(config=settings.ADMIN_CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        admin = is_admin(request)
        if admin and "X-Frame-Options" not in response:
            # Set before XFrameOptionsMiddleware (which leaves an existing header alone).
            response["X-Frame-Options"] = "SAMEORIGIN"
        if response.status_code in self.DEBUG_PAGES and settings.DEBUG:
            return response
        if HEADER not in response:
            response[HEADER] = self.admin if admin else self.site
        if self.report_only and HEADER_REPORT_ONLY not in response:
            response[HEADER_REPORT_ONLY] = self.report_only
        return response
