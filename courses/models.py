"""Course pages: the catalog, courses with their CE facts, and modules on NMT principles."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import ModuleBodyBlock, ObjectivesBlock
from .ce_hours import estimate_for_modules
from .panels import CEHourEstimatePanel


class Principle(models.Model):
    """One of the principles of NMT a module teaches (ischemia, trigger points...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Instructor(index.Indexed, models.Model):
    """A person who teaches or wrote a course, shown on the course page."""

    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=200, blank=True, help_text="e.g. LMT, BCTMB, CNMT")
    bio = RichTextField(blank=True, features=["bold", "italic", "link"])
    photo = models.ForeignKey(
        "cms.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class CourseIndexPage(RoutablePageMixin, Page):
    """The catalog (slug `courses`), with a browse-by-principle view of every module."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    def courses(self):
        return (
            CoursePage.objects.child_of(self)
            .live()
            .public()
            .defer_streamfields()
            .prefetch_related("course_instructors__instructor")
            .order_by("path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = self.courses()
        context["principles"] = Principle.objects.all()
        return context

    @path("")
    def catalog(self, request):
        return self.render(request)

    @path("principles/<slug:slug>/", name="principle")
    def principle(self, request, slug):
        principle = get_object_or_404(Principle, slug=slug)
        modules = (
            ModulePage.objects.descendant_of(self)
            .live()
            .public()
            .filter(principles=principle)
            .defer_streamfields()
            .select_related("course_page")
            .order_by("path")
        )
        return self.render(
            request,
            context_overrides={"principle": principle, "modules": modules},
            template="courses/principle_modules.html",
        )

    @path("principles/", name="principles")
    def principle_list(self, request):
        principles = Principle.objects.annotate(
            module_count=models.Count(
                "modules", filter=models.Q(modules__live=True), distinct=True
            )
        )
        return self.render(
            request,
            context_overrides={"principles": principles},
            template="courses/principle_list.html",
        )


class CoursePage(Page):
    """A course with the CE facts printed on its certificates."""

    HOME_STUDY = "home_study"
    LIVE = "live"
    WEBINAR = "webinar"
    COURSE_TYPES = [(HOME_STUDY, "Home Study"), (LIVE, "Live"), (WEBINAR, "Webinar")]

    approved_title = models.CharField(
        max_length=255,
        help_text="The course title exactly as approved; printed on certificates.",
    )
    summary = models.TextField(max_length=600, help_text="Two or three sentences for the catalog.")
    overview = RichTextField(
        blank=True, features=["h2", "h3", "bold", "italic", "ol", "ul", "link"]
    )
    ce_hours = models.DecimalField(
        "CE hours",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text="CE hours as approved, written on certificates as CEs.",
    )
    course_type = models.CharField(max_length=20, choices=COURSE_TYPES, default=HOME_STUDY)
    course_code = models.CharField(
        max_length=50, help_text="The provider's own code, e.g. NMT-101."
    )
    learning_objectives = StreamField(ObjectivesBlock(), blank=True)
    prerequisites = RichTextField(
        blank=True,
        features=["bold", "italic", "ul", "link"],
        help_text="What a learner should know or hold before starting.",
    )
    evaluation_required = models.BooleanField(
        default=True, help_text="Learners must submit the course evaluation to complete it."
    )
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("approved_title"),
        FieldPanel("summary"),
        FieldPanel("overview"),
        MultiFieldPanel(
            [
                FieldPanel("course_code"),
                FieldPanel("course_type"),
                FieldPanel("ce_hours"),
                CEHourEstimatePanel(),
                InlinePanel("approvals", label="Approval", heading="Approval numbers"),
                FieldPanel("evaluation_required"),
            ],
            heading="CE facts",
        ),
        FieldPanel("learning_objectives"),
        FieldPanel("prerequisites"),
        InlinePanel("course_instructors", label="Instructor", heading="Instructors"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("approved_title"),
        index.SearchField("summary"),
        index.SearchField("overview"),
        index.FilterField("course_type"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ce_hours__gt=0), name="courses_coursepage_ce_hours_positive"
            )
        ]

    def modules(self):
        return (
            ModulePage.objects.child_of(self)
            .live()
            .public()
            .defer_streamfields()
            .prefetch_related("principles")
            .order_by("path")
        )

    def ce_hour_estimate(self):
        """The NCBTMB estimate from every module's content, live or draft."""
        return estimate_for_modules(
            ModulePage.objects.child_of(self).only("id", "body", "summary", "path", "depth")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = self.modules()
        context["instructors"] = [
            link.instructor for link in self.course_instructors.select_related("instructor__photo")
        ]
        return context


class CourseInstructor(Orderable):
    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="course_instructors")
    instructor = models.ForeignKey(Instructor, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("instructor")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "instructor"], name="unique_course_instructor")
        ]


class CourseApproval(Orderable):
    """An approval number for the course from a board or association (NCBTMB, a state)."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="approvals")
    approver = models.CharField(max_length=200, help_text="e.g. NCBTMB or Florida Board")
    number = models.CharField(max_length=100)

    panels = [FieldPanel("approver"), FieldPanel("number")]

    def __str__(self):
        return f"{self.approver} {self.number}"


class ModulePage(Page):
    """One module of a course, teaching one or more principles of NMT."""

    summary = models.TextField(
        max_length=600, help_text="One or two sentences for the module list and search results."
    )
    objectives = StreamField(ObjectivesBlock(), blank=True)
    body = StreamField(ModuleBodyBlock())
    principles = ParentalManyToManyField(Principle, blank=True, related_name="modules")
    estimated_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="Reading time in minutes; the minimum seat time for home study.",
    )
    course_page = models.ForeignKey(
        CoursePage,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The course this module belongs to, kept on save for cheap look-ups.",
    )
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("principles", widget=forms.CheckboxSelectMultiple),
                FieldPanel("estimated_minutes"),
                InlinePanel("related_links", label="Related module", heading="Related modules"),
            ],
            heading="Principles and timing",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("objectives"),
        index.RelatedFields("principles", [index.SearchField("name")]),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    def save(self, *args, **kwargs):
        parent = self.get_parent() if self.pk or self.path else None
        if parent is not None:
            self.course_page_id = parent.id
        return super().save(*args, **kwargs)

    @cached_property
    def course(self):
        course_id = self.course_page_id or self.get_parent().id
        return CoursePage.objects.defer_streamfields().get(id=course_id)

    def sibling_modules(self):
        return ModulePage.objects.sibling_of(self).live().public().defer_streamfields()

    def previous_module(self):
        return self.sibling_modules().filter(path__lt=self.path).order_by("-path").first()

    def next_module(self):
        return self.sibling_modules().filter(path__gt=self.path).order_by("path").first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.course
        context["previous_module"] = self.previous_module()
        context["next_module"] = self.next_module()
        context["related_modules"] = [
            link.related for link in self.related_links.select_related("related") if link.related
        ]
        return context


class ModuleRelatedLink(Orderable):
    """A "see also" link from a module to a module on a related principle."""

    page = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [PageChooserPanel("related", page_type="courses.ModulePage")]
