"""Administrators' certificate screens: find a certificate and revoke it with a reason, the
association API keys, the verification log and the CE Broker roster.

The certificate list and the verification log are Wagtail reports (cms.admin_reports); the
roster is a form that answers with a file in CE Broker's fixed layout (certificates.rosters).
"""

from contextlib import suppress
from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.log_actions import registry as log_registry

import django_filters

from cms.admin_reports import AdminReportView, is_administrator
from cms.forms import IdChoiceField
from cms.spreadsheets import csv_response
from cms.text import without_control_characters
from courses.models import CoursePage

from .api_keys import create_api_key, revoke_api_key
from .codes import MalformedCode, normalize
from .issuing import RevocationRefused, revoke_certificate
from .models import AssociationApiKey, Certificate, VerificationLog
from .rosters import HEADER as ROSTER_HEADER
from .rosters import roster_rows, roster_xlsx


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown on the verification page and in the API.",
    )


def _guard(request):
    if not is_administrator(request.user):
        raise PermissionDenied


def certificate_search(queryset, text):
    """Certificates whose learner or course name contains the text, or whose code it is
    (typed in any case, with or without dashes)."""
    text = without_control_characters(text).strip()
    if not text:
        return queryset
    condition = Q(learner_name__icontains=text) | Q(course_title__icontains=text)
    with suppress(MalformedCode):
        condition |= Q(code=normalize(text))
    return queryset.filter(condition)


class CertificateList(AdminReportView):
    """Find a certificate by code, learner or course; newest first, 50 a page."""

    page_title = "Certificates"
    header_icon = "doc-full"
    index_url_name = "certificate_admin_list"
    index_results_url_name = "certificate_admin_list_results"
    is_searchable = True
    verbose_name_plural = "certificates"
    columns = [
        TitleColumn("display_code", label="Code", url_name="certificate_admin_detail"),
        Column("learner_name", label="Learner"),
        Column("course_title", label="Course"),
        Column("completed_on", label="Completed", accessor=lambda c: f"{c.completed_on:%Y-%m-%d}"),
        Column("status", label="Status", accessor="get_status_display"),
    ]

    def get_base_queryset(self):
        return Certificate.objects.order_by("-issued_at")

    def search_queryset(self, queryset):
        # The typed text, not Wagtail's cleaned one: its form refuses a NUL character and
        # would then show every certificate; ours drops control characters and searches.
        return certificate_search(queryset, self.request.GET.get(self.search_kwarg, ""))


def history_of(instance):
    """The instance's entries in Wagtail's audit log, newest first."""
    return (
        log_registry.get_logs_for_instance(instance).select_related("user").order_by("-timestamp")
    )


@require_http_methods(["GET", "POST"])
def certificate_detail(request, pk):
    _guard(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_certificate(certificate, request.user, form.cleaned_data["reason"])
        except RevocationRefused as refusal:
            form.add_error("reason", str(refusal))
        else:
            messages.success(request, f"Certificate {certificate.display_code} is revoked.")
            return redirect("certificate_admin_detail", pk=certificate.pk)
    return render(
        request,
        "certificates/admin/detail.html",
        {"certificate": certificate, "form": form, "history": history_of(certificate)},
        status=400 if form.errors else 200,
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label="Association", max_length=200)


class RevokeKeyForm(forms.Form):
    revoke = IdChoiceField(
        queryset=AssociationApiKey.objects.filter(revoked_at__isnull=True),
        error_messages={"invalid_choice": "That key does not exist or is already revoked."},
    )


@require_http_methods(["GET", "POST"])
def api_keys(request):
    """List association keys; create one (shown once) or revoke one."""
    _guard(request)
    form = ApiKeyForm(request.POST if "create" in request.POST else None)
    new_key = None
    refusal = None
    if request.method == "POST" and "revoke" in request.POST:
        revoking = RevokeKeyForm(request.POST)
        if revoking.is_valid():
            record = revoking.cleaned_data["revoke"]
            revoke_api_key(record, by=request.user)
            messages.success(request, f"The key of {record.name} is revoked.")
            return redirect("api_key_admin")
        refusal = revoking.errors["revoke"][0]
    elif request.method == "POST" and form.is_valid():
        _, new_key = create_api_key(form.cleaned_data["name"], request.user)
        form = ApiKeyForm()
    return render(
        request,
        "certificates/admin/api_keys.html",
        {
            "keys": AssociationApiKey.objects.all(),
            "form": form,
            "new_key": new_key,
            "refusal": refusal,
        },
        status=400 if refusal or form.errors else 200,
    )


class VerificationLogFilterSet(WagtailFilterSet):
    result = django_filters.ChoiceFilter(
        label="Result", choices=VerificationLog.RESULTS, empty_label="All"
    )

    class Meta:
        model = VerificationLog
        fields = []


def who_looked_up(log):
    """The association (API key) or the signed-in user behind a lookup, else "anonymous"."""
    if log.api_key:
        return log.api_key.name
    if log.user:
        return f"{log.user.email} (signed in)"
    return "anonymous"


class VerificationLogList(AdminReportView):
    """Verification lookups, newest first, filtered by result; exported as CSV or xlsx."""

    page_title = "Verification log"
    header_icon = "list-ul"
    index_url_name = "audit_log_admin"
    index_results_url_name = "audit_log_admin_results"
    filterset_class = VerificationLogFilterSet
    paginate_by = 100
    verbose_name_plural = "lookups"
    columns = [
        Column("at", label="When", accessor=lambda log: f"{localtime(log.at):%Y-%m-%d %H:%M:%S}"),
        Column("channel", label="Channel", accessor="get_channel_display"),
        Column("who", label="Association or user", accessor=who_looked_up),
        Column("ip_address", label="Address"),
        Column("code", label="Code"),  # as the caller typed it: untrusted, escaped on output
        Column("result", label="Result", accessor="get_result_display"),
    ]
    export_filename = "verification-log"
    # The CSV's columns and headings, as they were before the screen was a Wagtail report.
    export_headings = {
        "at": "at",
        "channel": "channel",
        "association": "association",
        "ip_address": "ip address",
        "code": "code",
        "result": "result",
        "user": "user",
    }
    list_export = list(export_headings)
    custom_field_preprocess = {"at": {AdminReportView.FORMAT_CSV: datetime.isoformat}}

    def get_base_queryset(self):
        return VerificationLog.objects.select_related("api_key", "user").order_by("-at")

    def to_row_dict(self, log):
        return {
            "at": log.at,
            "channel": log.channel,
            "association": log.api_key.name if log.api_key else "",
            "ip_address": log.ip_address or "",
            "code": log.code,
            "result": log.result,
            "user": log.user.email if log.user else "",
        }


class RosterForm(forms.Form):
    course = IdChoiceField(queryset=CoursePage.objects.order_by("title"))
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "Excel (.xlsx)")], initial="csv")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned


def roster_export(request):
    """CE Broker roster for a course and date range, as CSV or .xlsx."""
    _guard(request)
    form = RosterForm(request.GET or None)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        rows = roster_rows(data["course"], data.get("start"), data.get("end"))
        name = f"{data['course'].slug}-ce-broker-roster"
        if data["format"] == "xlsx":
            response = HttpResponse(
                roster_xlsx(rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        else:
            response = csv_response(f"{name}.csv", ROSTER_HEADER, rows)
        return response
    return render(
        request,
        "certificates/admin/roster.html",
        {"form": form},
        status=400 if request.GET else 200,
    )
