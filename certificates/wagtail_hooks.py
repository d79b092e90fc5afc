from functools import partial

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone

from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem

from quizzes.reports import FUNNEL_STAGES_HOOK, FunnelCondition

from . import admin_views
from .api_keys import KEY_CREATE, KEY_REVOKE
from .ce_progress import ce_progress, meter_texts, valid_hours
from .issuing import ISSUE, REVOKE, issue_missing_certificates
from .models import Certificate


@hooks.register("learner_dashboard_panels")
def certificates_panel(request):
    """Certificates, CE hours against the renewal target, and the transcript (one query
    besides the repair check). Shown once there is a certificate or a renewal target."""
    user = request.user
    issue_missing_certificates(user)  # repairs an issue a crash interrupted
    certificates = list(Certificate.objects.filter(user=user).order_by("-completed_on"))
    if not certificates and not user.ce_hours_required:
        return None
    progress = ce_progress(user, certificates, timezone.localdate())
    return render_to_string(
        "certificates/dashboard_panel.html",
        {
            "certificates": certificates,
            "total_hours": valid_hours(certificates),
            "revoked": sum(1 for c in certificates if c.is_revoked),
            "progress": progress,
            "meter": meter_texts(progress) if progress.target else None,
        },
        request=request,
    )


@hooks.register("course_learner_panels")
def course_certificate_panel(request, course, enrollment):
    """On a completed course's page: "Your certificate is ready", to download and verify."""
    if enrollment.completed_at is None:
        return None
    issue_missing_certificates(request.user)  # repairs an issue a crash interrupted
    certificate = Certificate.objects.filter(enrollment=enrollment).first()
    if certificate is None:
        return None
    return render_to_string(
        "certificates/course_panel.html", {"certificate": certificate}, request=request
    )


@hooks.register(FUNNEL_STAGES_HOOK)
def certified_funnel_stage(course):
    """The last stage of the course report's funnel: learners holding a valid certificate."""
    return [
        FunnelCondition(
            "Certified",
            Q(certificate__status=Certificate.VALID),
            "Holds a valid certificate for the course (revoked certificates are not counted). "
            "A certificate is issued when the course completion is recorded, which also needs "
            "the course evaluation where the course requires one.",
        )
    ]


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path(
            "certificates/", admin_views.CertificateList.as_view(), name="certificate_admin_list"
        ),
        path(
            "certificates/results/",
            admin_views.CertificateList.as_view(results_only=True),
            name="certificate_admin_list_results",
        ),
        path(
            "certificates/<int:pk>/",
            admin_views.certificate_detail,
            name="certificate_admin_detail",
        ),
        path("certificates/api-keys/", admin_views.api_keys, name="api_key_admin"),
        path(
            "certificates/audit-log/",
            admin_views.VerificationLogList.as_view(),
            name="audit_log_admin",
        ),
        path(
            "certificates/audit-log/results/",
            admin_views.VerificationLogList.as_view(results_only=True),
            name="audit_log_admin_results",
        ),
        path("certificates/roster/", admin_views.roster_export, name="roster_export_admin"),
    ]


# The certificate screens, for superusers only: (menu hook, label, URL name, icon, order).
SUPERUSER_MENU = [
    ("register_admin_menu_item", "Certificates", "certificate_admin_list", "doc-full", 220),
    ("register_settings_menu_item", "Association API keys", "api_key_admin", "key", 900),
    ("register_reports_menu_item", "Verification log", "audit_log_admin", "list-ul", 900),
    ("register_reports_menu_item", "CE Broker roster", "roster_export_admin", "download", 910),
]


def superuser_menu_item(label, url_name, icon_name, order):
    return AdminOnlyMenuItem(label, reverse(url_name), icon_name=icon_name, order=order)


for hook_name, *item in SUPERUSER_MENU:
    hooks.register(hook_name, partial(superuser_menu_item, *item))


@hooks.register("register_log_actions")
def certificate_log_actions(actions):
    actions.register_action(ISSUE, "Issue certificate", "Certificate issued")
    actions.register_action(REVOKE, "Revoke certificate", "Certificate revoked")
    actions.register_action(KEY_CREATE, "Create association API key", "API key created")
    actions.register_action(KEY_REVOKE, "Revoke association API key", "API key revoked")
