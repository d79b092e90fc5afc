"""Administrators' certificate views: find a certificate, and revoke it with a reason."""

from contextlib import suppress

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from wagtail.log_actions import registry as log_registry

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
    if not request.user.is_superuser:
        raise PermissionDenied


def certificate_list(request):
    _guard(request)
    query = without_control_characters(request.GET.get("q", "")).strip()
    certificates = Certificate.objects.order_by("-issued_at")
    if query:
        condition = Q(learner_name__icontains=query) | Q(course_title__icontains=query)
        with suppress(MalformedCode):
            condition |= Q(code=normalize(query))
        certificates = certificates.filter(condition)
    page = Paginator(certificates, 50).get_page(request.GET.get("p"))
    return render(request, "certificates/admin/list.html", {"page": page, "query": query})


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


def audit_log(request):
    """Browse verification lookups by date and result; export them as CSV."""
    _guard(request)
    logs = VerificationLog.objects.select_related("api_key", "user").order_by("-at")
    result = request.GET.get("result", "")
    if result in dict(VerificationLog.RESULTS):
        logs = logs.filter(result=result)
    if request.GET.get("format") == "csv":
        return csv_response(
            "verification-log.csv",
            ["at", "channel", "association", "ip address", "code", "result", "user"],
            (
                [
                    log.at.isoformat(),
                    log.channel,
                    log.api_key.name if log.api_key else "",
                    log.ip_address or "",
                    log.code,  # as the caller typed it: untrusted
                    log.result,
                    log.user.email if log.user else "",
                ]
                for log in logs.iterator()
            ),
        )
    page = Paginator(logs, 100).get_page(request.GET.get("p"))
    return render(
        request,
        "certificates/admin/audit_log.html",
        {"page": page, "result": result, "results": VerificationLog.RESULTS},
    )


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
