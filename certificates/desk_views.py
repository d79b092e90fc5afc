"""The verification desk (`/verify/batch/`): association staff check up to 1,000 codes from a
CSV file or a pasted list, and download the results. The rules are in certificates/batch.py.

Downloads post the same codes again (the results page carries them in a hidden field): each
download is a new check, answered with the certificates' status at that moment and logged
like any check, once per distinct code.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.spreadsheets import csv_response

from .batch import (
    EXPORT_HEADER,
    MAX_CODES,
    BatchForm,
    can_use_desk,
    export_rows,
    results_xlsx,
    verify_batch,
)

LIMIT = f"{MAX_CODES:,}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@never_cache
@require_http_methods(["GET", "POST"])
def verification_desk(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_use_desk(request.user):
        return render(request, "certificates/desk_forbidden.html", status=403)
    if request.method != "POST":
        return render(request, "certificates/desk.html", {"form": BatchForm(), "limit": LIMIT})
    form = BatchForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "certificates/desk.html", {"form": form, "limit": LIMIT}, status=400
        )
    results = verify_batch(request, form.cleaned_data["codes"])
    filename = f"verification-results-{timezone.localdate():%Y-%m-%d}"
    download = request.POST.get("format")
    if download == "csv":
        return csv_response(f"{filename}.csv", EXPORT_HEADER, export_rows(results))
    if download == "xlsx":
        response = HttpResponse(results_xlsx(results), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    return render(
        request,
        "certificates/desk.html",
        {
            "form": BatchForm(),
            "limit": LIMIT,
            "results": results,
            "submitted": "\n".join(row.submitted for row in results.rows),
        },
    )
