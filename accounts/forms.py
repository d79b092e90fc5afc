from django import forms

from wagtail.users.forms import UserCreationForm, UserEditForm

PROFILE_FIELDS = ("legal_name", "licence_number", "licence_state", "ncbtmb_number")


class AdminUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}


class AdminUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}
