from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Site

from cms.models import ProviderSettings, attach_image_file
from courses.content_import import get_or_create_catalog
from courses.roles import INSTRUCTORS, ensure_editorial_roles

# Demo logins for a local machine only; `make run` prints them.
DEMO_ACCOUNTS = (
    ("admin@example.com", "demo-admin-password", "Avery Admin", "administrator"),
    ("instructor@example.com", "demo-instructor-password", "Ira Instructor", "instructor"),
    ("learner@example.com", "demo-learner-password", "Lee Learner", "learner"),
)
# The demo provider's logo: drawn for this project (no one else's artwork), marked DEMO.
DEMO_LOGO = settings.BASE_DIR / "content" / "provider" / "demo-logo.svg"
DEMO_LOGO_TITLE = "Demo provider logo"


def demo_logo():
    """The demo logo's image, found by its title or made from the SVG once."""
    Image = get_image_model()
    image = Image.objects.filter(title=DEMO_LOGO_TITLE).order_by("id").first()
    if image is None:
        image = Image(title=DEMO_LOGO_TITLE, description="NMT Continuing Education, demo logo")
        attach_image_file(image, DEMO_LOGO.read_bytes(), "demo-provider-logo.svg")
        image.save()
    return image


class Command(BaseCommand):
    help = (
        "Set up the demo site: home page, catalog, provider identity, editorial roles, the "
        "NMT course content and demo accounts. Running it again changes nothing."
    )

    @transaction.atomic
    def _setup_site(self):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        if home.title == "Home" and not home.intro:
            home.title = "Neuromuscular Therapy Continuing Education"
            home.intro = (
                "Home-study CE courses for massage therapists, with certificates that boards "
                "and associations can verify."
            )
            home.save_revision().publish()
        if site.site_name != "NMT Continuing Education":
            site.site_name = "NMT Continuing Education"
            site.save()
        provider = ProviderSettings.for_site(site)
        if not provider.ncbtmb_provider_number:
            provider.provider_name = "NMT Continuing Education (demo provider)"
            provider.ncbtmb_provider_number = "000000-DEMO"
            provider.address = "100 Example Street, Suite 1, Springfield, ST 00000"
            provider.email = "ce@example.com"
            provider.signatory_name = "Avery Admin, LMT"
            provider.signatory_title = "Education Director"
            provider.logo = demo_logo()
            provider.save()
        catalog = get_or_create_catalog(home)
        ensure_editorial_roles(catalog)

    @transaction.atomic
    def _create_accounts(self):
        User = get_user_model()
        created = []
        for email, password, name, role in DEMO_ACCOUNTS:
            existing = User.objects.filter(email=email)
            if existing.exists():
                existing.filter(email_confirmed_at__isnull=True).update(
                    email_confirmed_at=timezone.now()
                )
                continue
            first, last = name.split(" ", 1)
            # Demo accounts have confirmed addresses: their final exams are open.
            user = User(
                email=email,
                legal_name=name,
                first_name=first,
                last_name=last,
                email_confirmed_at=timezone.now(),
            )
            if role == "administrator":
                user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            if role == "instructor":
                user.groups.add(Group.objects.get(name=INSTRUCTORS))
            created.append(email)
        return created

    def handle(self, *args, **options):
        self._setup_site()
        call_command("import_content", stdout=self.stdout)
        created = self._create_accounts()
        self.stdout.write(
            f"Demo accounts ({len(created)} new): log in at /admin/ (staff) or the site."
        )
        for email, password, _name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<14} {email:<26} {password}")
