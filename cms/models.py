"""The site shell: home page, image model and the provider identity printed on certificates."""

from io import BytesIO

from django.core.files.base import ContentFile
from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page
from wagtail.search import index
from wagtail.utils.file import hash_filelike

from .forms import ImageChooser
from .kept import kept
from .page_cache import generation
from .routing import KeptViewRestrictionsMixin, find_site


def attach_image_file(image, data, name):
    """Give an image made in code its file, with the size and hash Wagtail's upload form
    would record (Wagtail's public hash_filelike, as its own forms use)."""
    image.file = ContentFile(data, name=name)
    image.file_size = len(data)
    image.file_hash = hash_filelike(BytesIO(data))


class CustomImage(AbstractImage):
    """Project image model, in place from the first migration so fields can be added later."""

    credit = models.CharField(
        max_length=255, blank=True, help_text="Who made or owns the image, if it must be said."
    )

    admin_form_fields = (*Image.admin_form_fields, "credit")


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class HomePage(KeptViewRestrictionsMixin, Page):
    """The site's root page. Section pages restrict themselves to live under it."""

    intro = models.CharField(
        max_length=255,
        blank=True,
        help_text="One sentence under the page title.",
    )
    body = RichTextField(blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1


@register_setting(icon="certificate")
class ProviderSettings(BaseSiteSetting):
    """The CE provider's identity, as NCBTMB requires it on every certificate."""

    provider_name = models.CharField(max_length=255, default="NMT Continuing Education")
    ncbtmb_provider_number = models.CharField(
        "NCBTMB Approved Provider number", max_length=50, blank=True
    )
    address = models.TextField(blank=True, help_text="Postal address printed on certificates.")
    email = models.EmailField(blank=True, help_text="Contact email printed on certificates.")
    website = models.URLField(blank=True)
    logo = models.ForeignKey(
        "cms.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "Printed at the top of certificates, in a box 13 mm high and up to 48 mm wide "
            "(PNG, JPEG or SVG, on a transparent or white background). Without one, the "
            "certificate shows the provider's initials. Each certificate keeps the logo it "
            "was issued with."
        ),
    )
    signatory_name = models.CharField(max_length=255, blank=True)
    signatory_title = models.CharField(max_length=255, blank=True)
    signature_image = models.ForeignKey(
        "cms.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A scan of the signature, on a transparent or white background.",
    )
    show_licence_on_certificates = models.BooleanField(
        "show the learner's licence on certificates",
        default=True,
        help_text=(
            "Print the learner's licence number and state and NCBTMB number on certificates "
            "issued from now on (those the learner has given). Certificates already issued "
            "keep what they were issued with."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("provider_name"),
                FieldPanel("ncbtmb_provider_number"),
                FieldPanel("address"),
                FieldPanel("email"),
                FieldPanel("website"),
                FieldPanel("logo", widget=ImageChooser),
            ],
            heading="Provider",
        ),
        MultiFieldPanel(
            [
                FieldPanel("signatory_name"),
                FieldPanel("signatory_title"),
                FieldPanel("signature_image", widget=ImageChooser),
            ],
            heading="Signature on certificates",
        ),
        MultiFieldPanel(
            [FieldPanel("show_licence_on_certificates")],
            heading="Learner's licence on certificates",
        ),
    ]

    class Meta:
        verbose_name = "Provider identity"

    def __str__(self):
        return self.provider_name

    @classmethod
    def for_request(cls, request):
        """As Wagtail's, but the row is kept for the content generation (saving any setting
        starts a new one: cms/apps.py), so serving a page reads no settings row."""
        attr_name = cls.get_cache_attr_name()
        if not hasattr(request, attr_name):
            site = find_site(request)
            key = f"provider-settings:{generation()}:{site.pk if site else None}"
            setattr(request, attr_name, kept(key, lambda: cls.for_site(site)))
        return getattr(request, attr_name)
