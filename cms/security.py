"""Security headers that differ between the public site and the Wagtail admin.

Public pages get the strict CONTENT_SECURITY_POLICY: scripts and styles from our own static
files only. The Wagtail admin still relies on inline scripts and styles, and frames its own
page previews, so under /admin/ the policy is ADMIN_CONTENT_SECURITY_POLICY and framing by the
same origin is allowed.
"""

from django.conf import settings

from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"


def is_admin(request):
    return request.path_info.startswith(ADMIN_PREFIX)


class SiteCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if is_admin(request) and "X-Frame-Options" not in response:
            # Set before XFrameOptionsMiddleware (which leaves an existing header alone).
            response["X-Frame-Options"] = "SAMEORIGIN"
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and is_admin(request) and parts.config is None:
            return PolicyParts(
                config=settings.ADMIN_CONTENT_SECURITY_POLICY,
                update=parts.update,
                replace=parts.replace,
                nonce=None,
            )
        return parts
