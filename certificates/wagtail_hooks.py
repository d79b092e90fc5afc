from django.db.models import Sum
from django.template.loader import render_to_string

from wagtail import hooks

from .models import Certificate


@hooks.register("learner_dashboard_panels")
def certificates_panel(request):
    certificates = list(Certificate.objects.filter(user=request.user).order_by("-completed_on"))
    if not certificates:
        return None
    total = Certificate.objects.filter(user=request.user, status=Certificate.VALID).aggregate(
        total=Sum("ce_hours")
    )["total"]
    return render_to_string(
        "certificates/dashboard_panel.html",
        {"certificates": certificates, "total_hours": total or 0},
        request=request,
    )
