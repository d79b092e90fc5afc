"""Forms for learners (sign-up, profile, account deletion) and for Wagtail's user admin."""

import functools
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User
from .renewal import (
    DEFAULT_PERIOD_MONTHS,
    MAX_HOURS,
    MIN_HOURS,
    PERIOD_CHOICES,
    due_date_problem,
)

PROFILE_FIELDS = ("legal_name", "licence_number", "licence_state", "ncbtmb_number")


# Who the learner is, as sign-up asks it and the profile edits it.
IDENTITY_FIELDS = (
    "email",
    "legal_name",
    "licence_number",
    "licence_state",
    "ncbtmb_number",
    "time_zone",
)


class AdminUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}


class AdminPasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's admin reset form, for people who can use the admin only.

    A learner who types their address here gets no email (the page says the same as for
    anyone): their password is reset on the site's own form, whose email leads back to the
    site, not to an admin they cannot enter."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if can_use_admin(user))


def can_use_admin(user):
    """Whether the user may sign in to Wagtail's admin."""
    return user.has_perm("wagtailadmin.access_admin")


class EmailChangeMixin:
    """A changed email address must be confirmed again (accounts/confirmation.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_email = self.instance.email or ""

    @property
    def email_changed(self):
        """Whether the saved address differs from the one before, in more than its case."""
        email = self.cleaned_data.get("email") or ""
        return email.lower() != self.original_email.lower()

    def save(self, commit=True):
        if self.email_changed:
            self.instance.email_confirmed_at = None
        return super().save(commit=commit)


class AdminUserEditForm(EmailChangeMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}


@functools.cache
def time_zone_choices():
    """Every zone name the zone database knows, sorted, after a blank for the site's zone."""
    zones = sorted(zoneinfo.available_timezones())
    return [("", f"Site default ({settings.TIME_ZONE})"), *((zone, zone) for zone in zones)]


class TimeZoneField(forms.ChoiceField):
    """The learner's time zone, an IANA name chosen from a list. Empty on a new form; a script
    on the page (cms/static/cms/js/time-zone.js) fills it in from the browser's own zone."""

    def __init__(self, **kwargs):
        super().__init__(
            **{
                "label": "Time zone",
                "required": False,
                "choices": time_zone_choices,
                "help_text": "Dates and times, such as an exam's deadline, are shown in this "
                "zone.",
                "error_messages": {
                    "invalid_choice": "“%(value)s” is not a time zone we know. Choose one "
                    "from the list, such as America/New_York."
                },
                "widget": forms.Select(attrs={"data-browser-time-zone": ""}),
                **kwargs,
            }
        )


class ProfileFieldsMixin:
    """Shared rules for the learner's own profile fields."""

    LEGAL_NAME_NEEDED = "Enter your legal name as it must appear on certificates."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        legal_name = self.fields["legal_name"]
        legal_name.required = True
        legal_name.error_messages["required"] = self.LEGAL_NAME_NEEDED

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in, or reset your password."
            )
        return email

    def clean_legal_name(self):
        name = " ".join(self.cleaned_data["legal_name"].split())
        if not name:
            raise forms.ValidationError(self.LEGAL_NAME_NEEDED)
        return name

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("licence_number", "").strip()
        state = cleaned.get("licence_state", "").strip()
        if number and not state:
            self.add_error("licence_state", "Say which state or jurisdiction issued the licence.")
        if state and not number:
            self.add_error("licence_number", "Enter the licence number, or leave both empty.")
        return cleaned


class SignupForm(ProfileFieldsMixin, forms.ModelForm):
    # A form field, not the model's: the model's would report an address already in use
    # (its unique constraint), and sign-up must not say that (accounts/registration.py).
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    time_zone = TimeZoneField()
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password or all numbers.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Type the same password, to check it.",
    )

    class Meta:
        model = User
        fields = tuple(name for name in IDENTITY_FIELDS if name != "email")
        widgets = {"legal_name": forms.TextInput(attrs={"autocomplete": "name"})}

    field_order = [*IDENTITY_FIELDS, "password1", "password2"]

    def clean_email(self):
        # No "already exists" here: that would tell anyone which addresses have accounts.
        # accounts/registration.py handles a taken address after the form is valid.
        email = self.cleaned_data["email"].strip().lower()
        self.instance.email = email  # for the password validators (similarity to it)
        return email

    def clean_password2(self):
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError("The two passwords differ. Type the same one twice.")
        return second

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = self.cleaned_data["email"]
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


RENEWAL_FIELDS = ("ce_hours_required", "renewal_due_on", "renewal_period_months")
EMAIL_CHOICE_FIELDS = ("course_reminders", "renewal_reminders")
HOURS_MESSAGE = f"Enter whole hours from {MIN_HOURS} to {MAX_HOURS}, or leave it empty."


class ProfileForm(EmailChangeMixin, ProfileFieldsMixin, forms.ModelForm):
    """The learner's own details, and the licence renewal facts the dashboard measures
    CE hours against (all three optional; the period length defaults to 24 months)."""

    ce_hours_required = forms.IntegerField(
        label="CE hours required per renewal",
        required=False,
        min_value=MIN_HOURS,
        max_value=MAX_HOURS,
        help_text="How many CE hours your licensing board requires for each renewal, in whole "
        "hours, e.g. 24.",
        error_messages={
            "invalid": HOURS_MESSAGE,
            "min_value": HOURS_MESSAGE,
            "max_value": HOURS_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    renewal_due_on = forms.DateField(
        label="Licence renewal due",
        required=False,
        help_text="The day your current licence period ends, as on your licence.",
        error_messages={"invalid": "Enter a date, e.g. 2027-12-31, or leave it empty."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    renewal_period_months = forms.TypedChoiceField(
        label="Length of each licence period",
        choices=PERIOD_CHOICES,
        coerce=int,
        required=False,
        empty_value=DEFAULT_PERIOD_MONTHS,
        help_text="How often you renew. Your CE hours are counted from the start of the "
        "current period.",
        error_messages={"invalid_choice": "Choose one of the period lengths listed."},
    )
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = (*IDENTITY_FIELDS, *RENEWAL_FIELDS, *EMAIL_CHOICE_FIELDS)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_name"].help_text = (
            "Printed on future certificates. Certificates already issued keep the name they "
            "were issued with."
        )

    def clean(self):
        cleaned = super().clean()
        due_on = cleaned.get("renewal_due_on")
        months = cleaned.get("renewal_period_months") or DEFAULT_PERIOD_MONTHS
        if due_on and "renewal_period_months" not in self.errors:
            problem = due_date_problem(due_on, months, timezone.localdate())
            if problem:
                self.add_error("renewal_due_on", problem)
        return cleaned

    def identity_fields(self):
        grouped = RENEWAL_FIELDS + EMAIL_CHOICE_FIELDS
        return [field for field in self.visible_fields() if field.name not in grouped]

    def renewal_fields(self):
        return [field for field in self.visible_fields() if field.name in RENEWAL_FIELDS]

    def email_choice_fields(self):
        return [field for field in self.visible_fields() if field.name in EMAIL_CHOICE_FIELDS]


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": "That email and password don't match an account. Check both and try "
        "again, or reset your password.",
        "inactive": "This account is closed.",
    }


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that my account will be closed and my personal details removed.",
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password
