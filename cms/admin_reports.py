"""The base of the project's admin listings: Wagtail's ReportView, behind a rule."""

from django.core.exceptions import PermissionDenied

from wagtail.admin.views.reports import ReportView

from .spreadsheets import SpreadsheetSafeExportMixin


def is_administrator(user):
    """Superusers (active ones) see the screens that name learners or certificates."""
    return user.is_active and user.is_superuser


class AdminReportView(SpreadsheetSafeExportMixin, ReportView):
    """A Wagtail report (listing, search, filters, paging, CSV/xlsx export) that only users
    admitted by `access_rule(user)` may open; the others get 403. Every exported cell is
    spreadsheet-safe."""

    access_rule = staticmethod(is_administrator)

    def dispatch(self, request, *args, **kwargs):
        if not self.access_rule(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
