"""Administrators' certificate views: find a certificate, and revoke it with a reason."""

from contextlib import suppress

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .codes import MalformedCode, normalize
from .issuing import RevocationRefused, revoke_certificate
from .models import Certificate


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
    query = request.GET.get("q", "").strip()
    certificates = Certificate.objects.order_by("-issued_at")
    if query:
        condition = Q(learner_name__icontains=query) | Q(course_title__icontains=query)
        with suppress(MalformedCode):
            condition |= Q(code=normalize(query))
        certificates = certificates.filter(condition)
    page = Paginator(certificates, 50).get_page(request.GET.get("p"))
    return render(request, "certificates/admin/list.html", {"page": page, "query": query})


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
        {"certificate": certificate, "form": form},
        status=400 if form.errors else 200,
    )
