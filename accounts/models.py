"""The learner's identity: email login, and the legal name printed on certificates."""

from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from cms.text import code_points, invisible_characters

from .renewal import DEFAULT_PERIOD_MONTHS, MAX_HOURS, MIN_HOURS, PERIOD_CHOICES, renewal_period


def validate_visible_name(value):
    """A name prints as typed: letters of any script, but no control, bidi or zero-width
    characters (DESIGN.md, Learners), which would print a certificate name reversed or
    hidden."""
    hidden = invisible_characters(value)
    if hidden:
        raise ValidationError(
            "Remove the invisible or direction-changing characters from the name "
            f"({code_points(hidden)}); they would change how it prints on certificates.",
            code="invisible_characters",
        )


def validate_time_zone(value):
    """An IANA time zone name that this machine's zone database knows."""
    if value and value not in available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as America/New_York.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Emails are stored lower-cased; log-ins match whatever case the person types.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person with an account: learner, instructor or administrator.

    `legal_name` is the name printed on certificates; certificates keep their own snapshot of it,
    so a later change here never alters a certificate already issued.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    legal_name = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_visible_name],
        help_text="Your full legal name exactly as it must appear on certificates.",
    )
    licence_number = models.CharField("licence number", max_length=50, blank=True)
    licence_state = models.CharField(
        "licence state or jurisdiction",
        max_length=100,
        blank=True,
        help_text="Where the licence was issued, e.g. Florida or Ontario.",
    )
    ncbtmb_number = models.CharField("NCBTMB number", max_length=50, blank=True)
    # An IANA zone name such as "America/New_York"; blank means the site's zone (UTC). Pages
    # show the learner's times in it (cms middleware activates it).
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Dates and times, such as an exam's deadline, are shown in this zone.",
    )
    # Licence renewal, as the learner's board sets it; the dashboard measures CE hours
    # against it (accounts/renewal.py, certificates/ce_progress.py).
    ce_hours_required = models.PositiveSmallIntegerField(
        "CE hours required per renewal",
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_HOURS), MaxValueValidator(MAX_HOURS)],
        help_text="How many CE hours your licensing board requires for each renewal.",
    )
    renewal_due_on = models.DateField(
        "licence renewal due",
        null=True,
        blank=True,
        help_text="The day your current licence period ends.",
    )
    renewal_period_months = models.PositiveSmallIntegerField(
        "licence period",
        choices=PERIOD_CHOICES,
        default=DEFAULT_PERIOD_MONTHS,
        help_text="How long each licence period lasts.",
    )
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the learner closed the account; personal details were removed then.",
    )
    # When the learner proved they read mail at `email` (accounts/confirmation.py); cleared
    # whenever the address changes. A final exam waits on it, so certificates go to a
    # confirmed address.
    email_confirmed_at = models.DateTimeField(
        "email confirmed at",
        null=True,
        blank=True,
        editable=False,
        help_text="When the learner confirmed this email address; empty until they do.",
    )
    # Optional emails, each with its own unsubscribe link (accounts/unsubscribe.py).
    course_reminders = models.BooleanField(
        "reminders of unfinished courses",
        default=True,
        help_text="An email when a course you started has been untouched for two weeks, at "
        "most once a month per course.",
    )
    renewal_reminders = models.BooleanField(
        "licence renewal reminders",
        default=True,
        help_text="An email 90 and 30 days before your licence renewal when your CE hours "
        "are short of what your board requires.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["legal_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(ce_hours_required__isnull=True)
                | models.Q(ce_hours_required__gte=MIN_HOURS, ce_hours_required__lte=MAX_HOURS),
                name="accounts_user_ce_hours_required_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    renewal_period_months__in=[months for months, _ in PERIOD_CHOICES]
                ),
                name="accounts_user_renewal_period_months_choice",
            ),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.legal_name or super().get_full_name() or self.email

    def get_short_name(self):
        return self.first_name or self.legal_name or self.email

    def renewal_period(self, today):
        """The licence period running `today` (accounts.renewal.RenewalPeriod)."""
        return renewal_period(self.renewal_due_on, self.renewal_period_months, today)


class SentEmail(models.Model):
    """One email sent to a user for a reason that must not send twice (accounts/sent_emails.py).

    `kind` names the email ("course_reminder", "renewal_reminder"); `key` says which
    occasion it was for ("course:12:2026-03", "renewal:2026-12-31:90"), chosen by the app that
    decides whom to remind. The unique constraint is what makes sending idempotent: a second
    run, or two at once, cannot record the same email twice.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sent_emails")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], name="accounts_sentemail_once"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} to user {self.user_id}"
