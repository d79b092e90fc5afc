from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from cms.spreadsheets import SpreadsheetSafeExportMixin

from .forms import AdminUserCreationForm, AdminUserEditForm


class UserIndexView(SpreadsheetSafeExportMixin, WagtailUserIndexView):
    """Wagtail's user listing; its CSV export escapes formulas like every CSV we write."""


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView
    # Without a list of columns Wagtail's export wrote one empty line per user.
    list_export = [
        "email",
        "legal_name",
        "licence_number",
        "licence_state",
        "ncbtmb_number",
        "is_active",
        "is_superuser",
        "date_joined",
        "last_login",
        "email_confirmed_at",
    ]
    export_filename = "users"

    def get_form_class(self, for_update=False):
        return AdminUserEditForm if for_update else AdminUserCreationForm
