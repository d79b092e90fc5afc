from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wagtail.admin.views import account as wagtail_account_views

from cms.ratelimit import Decision, rate_limited, too_many_requests

from .closing import close_account
from .confirmation import (
    MAX_AGE_DAYS,
    ConfirmationRefused,
    confirm_email,
    needs_confirmation,
    resend_confirmation,
    send_confirmation_email,
    signs_in_on_confirmation,
    user_for_token,
)
from .forms import DeleteAccountForm, EmailAuthenticationForm, ProfileForm, SignupForm
from .mail_limits import may_email_address
from .registration import register
from .unsubscribe import UnsubscribeRefused, describe, read_token, unsubscribe, wants


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
@rate_limited("signup", "sign-ups")
def signup(request):
    """A valid form always leads to the same "Check your email" page, whether or not the
    address already had an account (accounts/registration.py)."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request, "/dashboard/"))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        register(form)
        sent = reverse("accounts:signup_sent")
        next_page = _safe_next(request, "")
        return redirect(f"{sent}?{urlencode({'next': next_page})}" if next_page else sent)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": _safe_next(request, "")},
        status=status,
    )


@require_GET
def signup_sent(request):
    return render(
        request,
        "accounts/signup_sent.html",
        {"next": _safe_next(request, ""), "max_age_days": MAX_AGE_DAYS},
    )


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, "Your profile has been saved.")
        if form.email_changed:
            send_confirmation_email(user)
            messages.info(
                request,
                f"We have sent a link to {user.email}: follow it to confirm your new address.",
            )
        return redirect("accounts:profile")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "needs_confirmation": needs_confirmation(request.user)},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email_view(request, token):
    """GET shows what the link confirms and a button; POST confirms.

    Confirming on GET would let mail scanners and link previews, which open every link in an
    email, confirm an address nobody read (docs/decisions.md)."""
    try:
        user = user_for_token(token)
        first_time = needs_confirmation(user)
        if request.method == "POST":
            user = confirm_email(token)
    except ConfirmationRefused as refusal:
        return render(request, "accounts/confirm_email.html", {"error": str(refusal)}, status=400)
    if request.method == "POST":
        messages.success(request, f"Thank you: {user.email} is confirmed.")
        if signs_in_on_confirmation(request.user, first_time):
            # Sign-up does not sign in (accounts/registration.py); the link, which proves
            # the address, does, once.
            login(request, user, backend="accounts.backends.UserBackend")
        if request.user.is_authenticated:
            return redirect("/dashboard/")
        return redirect("accounts:login")
    return render(
        request,
        "accounts/confirm_email.html",
        {"email": user.email, "confirmed": not needs_confirmation(user)},
    )


@login_required
@require_POST
def resend_confirmation_view(request):
    """Send the confirmation link again; back to where the learner asked (the final exam
    page or the profile)."""
    outcome = resend_confirmation(request.user)
    if outcome.retry_after:
        return too_many_requests(
            request, Decision(False, outcome.retry_after), "confirmation emails"
        )
    if outcome.sent:
        messages.success(request, outcome.message)
    else:
        messages.info(request, outcome.message)
    return redirect(_safe_next(request, reverse("accounts:profile")))


@never_cache
@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without our CSRF token.
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """GET asks to confirm; POST turns the kind of email off. The signed token is the
    authority, so the learner need not sign in (and a CSRF token could only unsubscribe
    the person the link was sent to)."""
    try:
        user, kind = read_token(token)
    except UnsubscribeRefused as refusal:
        return render(request, "accounts/unsubscribe.html", {"error": str(refusal)}, status=400)
    context = {"what": describe(kind), "subscribed": wants(user, kind)}
    if request.method == "POST":
        unsubscribe(user, kind)
        context = {**context, "subscribed": False, "done": True}
    return render(request, "accounts/unsubscribe.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        close_account(request.user)
        logout(request)
        messages.success(
            request,
            "Your account is closed and your personal details have been removed. Records the "
            "provider must keep, such as completions, are kept without them.",
        )
        return redirect("/")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete_account.html", {"form": form}, status=status)


@method_decorator(rate_limited("password_reset", "password reset requests"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # At most a few emails an hour to one address, whoever asks (accounts/mail_limits.py).
        # Past that the page still says "sent", but nothing is sent.
        if not may_email_address("password_reset_email", form.cleaned_data["email"]):
            return redirect(self.get_success_url())
        return super().form_valid(form)


@method_decorator(rate_limited("password_reset", "password reset requests"), name="dispatch")
class AdminPasswordResetView(wagtail_account_views.PasswordResetView):
    """Wagtail's admin password reset (/admin/password_reset/) under the site's limits.

    The same requests per client address, and the same emails per address, counted in the
    same buckets as the site's form: an inbox gets at most three reset emails an hour from
    both forms together. Its form (settings.WAGTAILADMIN_USER_PASSWORD_RESET_FORM) only mails
    people who can use the admin; learners reset at /accounts/password-reset/."""

    def form_valid(self, form):
        if not may_email_address("password_reset_email", form.cleaned_data["email"]):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
