"""Forms for learners (sign-up, profile, account deletion) and for Wagtail's user admin."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User

PROFILE_FIELDS = ("legal_name", "licence_number", "licence_state", "ncbtmb_number")


class AdminUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}


class AdminUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}


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
        fields = ("email", "legal_name", "licence_number", "licence_state", "ncbtmb_number")
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "legal_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

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
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class ProfileForm(ProfileFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ("email", "legal_name", "licence_number", "licence_state", "ncbtmb_number")
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_name"].help_text = (
            "Printed on future certificates. Certificates already issued keep the name they "
            "were issued with."
        )


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
