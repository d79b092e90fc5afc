"""The learner's identity: email login, and the legal name printed on certificates."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


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
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the learner closed the account; personal details were removed then.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["legal_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.legal_name or super().get_full_name() or self.email

    def get_short_name(self):
        return self.first_name or self.legal_name or self.email
