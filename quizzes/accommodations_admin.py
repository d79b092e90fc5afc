"""The admin for accommodations: administrators grant one learner more on one quiz.

A grant is a record: it can be added and read, never edited or deleted (the permission policy
refuses both, to superusers too). Who granted it and when are set by the server; Wagtail's
audit log records the creation as well.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Accommodation, Quiz


class GrantsAreRecords(ModelPermissionPolicy):
    """Add and view by permission; change and delete for nobody."""

    RECORD_ACTIONS = {"add", "view"}

    def user_has_permission(self, user, action):
        return action in self.RECORD_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Accommodation, GrantsAreRecords(Accommodation))


class AccommodationForm(WagtailAdminModelForm):
    """Names the learner by email address, and refuses a grant that grants nothing."""

    learner_email = forms.EmailField(
        label="Learner's email address", help_text="The address the learner signs in with."
    )

    class Meta:
        model = Accommodation
        fields = ["quiz", "extra_attempts", "time_multiplier", "retry_from", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = Quiz.objects.live().order_by("title")

    def clean_learner_email(self):
        email = self.cleaned_data["learner_email"]
        learner = get_user_model().objects.filter(email__iexact=email).first()
        if learner is None:
            raise forms.ValidationError("No learner has this email address.")
        self.instance.user = learner
        return email

    def clean(self):
        cleaned = super().clean()
        multiplier = cleaned.get("time_multiplier") or 1
        if (
            not cleaned.get("extra_attempts")
            and multiplier <= 1
            and not cleaned.get("retry_from")
            and not self.errors
        ):
            raise forms.ValidationError(
                "Grant at least one of: extra attempts, more time, or an earlier next attempt."
            )
        return cleaned


class GrantView(CreateView):
    """Records who granted the accommodation, and when, from the request."""

    def get_initial_form_instance(self):
        return Accommodation(granted_by=self.request.user, granted_at=timezone.now())


class AccommodationViewSet(ModelViewSet):
    model = Accommodation
    icon = "user"
    menu_label = "Accommodations"
    menu_order = 215
    add_to_admin_menu = True
    add_view_class = GrantView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "user",
        "quiz",
        "extra_attempts",
        "time_multiplier",
        "retry_from",
        "granted_by",
        DateColumn("granted_at", label="Granted"),
    ]
    list_filter = ["quiz"]
    search_fields = ["user__email", "user__legal_name", "reason"]
    inspect_view_fields = [
        "user",
        "quiz",
        "extra_attempts",
        "time_multiplier",
        "retry_from",
        "reason",
        "granted_by",
        "granted_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("learner_email"),
            FieldPanel("quiz"),
            FieldRowPanel([FieldPanel("extra_attempts"), FieldPanel("time_multiplier")]),
            FieldPanel("retry_from"),
            FieldPanel("reason"),
        ],
        base_form_class=AccommodationForm,
    )
