from django.apps import AppConfig

from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import sessions  # noqa: F401 - connects the sign-in stamp


class AccountsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with forms that edit the fields our User model adds."""

    user_viewset = "accounts.viewsets.UserViewSet"
