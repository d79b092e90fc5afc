"""Course pages: the catalog, courses with their CE facts, and modules on NMT principles."""

import math
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.forms import ImageChooser
from cms.kept import KEEP_SECONDS, kept, kept_many
from cms.page_cache import generation
from cms.routing import KeptViewRestrictionsMixin
from cms.templatetags.cms_urls import subpage_url

from .blocks import ModuleBodyBlock, ObjectivesBlock, bibliography
from .ce_hours import estimate_for_modules
from .panels import CEHourEstimatePanel


def learner_panels(hook_name, request, page, enrollment):
    """HTML panels that higher apps add to a page for an enrolled learner (quizzes, exams)."""
    if enrollment is None:
        return []
    panels = (fn(request, page, enrollment) for fn in hooks.get_hooks(hook_name))
    return [panel for panel in panels if panel]


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
        FieldPanel("photo", widget=ImageChooser),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class CourseIndexPage(KeptViewRestrictionsMixin, RoutablePageMixin, Page):
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


class CoursePage(KeptViewRestrictionsMixin, RoutablePageMixin, Page):
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
    scope = RichTextField(
        "scope of this course",
        blank=True,
        features=["bold", "italic", "ul", "link"],
        help_text="What the course does and does not confer, e.g. theory only, no certification "
        "in the technique, practise within your licence. Shown on the course page.",
    )
    content_reviewed_on = models.DateField(
        "content last reviewed",
        null=True,
        blank=True,
        help_text="When a qualified reviewer last checked the course content.",
    )
    prerequisites = RichTextField(
        blank=True,
        features=["bold", "italic", "ul", "link"],
        help_text="What a learner should know or hold before starting.",
    )
    evaluation_required = models.BooleanField(
        default=True, help_text="Learners must submit the course evaluation to complete it."
    )
    require_seat_time = models.BooleanField(
        default=True,
        help_text="A module can be marked complete only after its estimated reading time "
        "(on for Home Study courses).",
    )
    STRICT = "strict"
    MODULE_QUIZZES_OPEN = "module_quizzes_open"
    OPEN = "open"
    GATING_CHOICES = [
        (STRICT, "Course order: each step opens when the one before it is done"),
        (
            MODULE_QUIZZES_OPEN,
            "Module quizzes open at any time; the final exam and evaluation keep the course order",
        ),
        (OPEN, "Every step open at any time (completion still needs every step)"),
    ]
    gating = models.CharField(
        "step order",
        max_length=30,
        choices=GATING_CHOICES,
        default=STRICT,
        help_text="When a learner may open each quiz, the final exam and the evaluation.",
    )
    prerequisite_courses = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        help_text="Courses a learner must complete before enrolling in this one.",
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
                FieldPanel("require_seat_time"),
                FieldPanel("gating"),
            ],
            heading="CE facts",
        ),
        FieldPanel("learning_objectives"),
        FieldPanel("scope"),
        FieldPanel("content_reviewed_on"),
        FieldPanel("prerequisites"),
        FieldPanel("prerequisite_courses", widget=forms.CheckboxSelectMultiple),
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

    @staticmethod
    def bibliography(modules):
        """The works `modules` (pages without their body loaded) cite, each once."""
        bodies = ModulePage.objects.filter(pk__in=[m.pk for m in modules]).only("id", "body")
        return bibliography(module.body for module in bodies)

    def get_context(self, request, *args, **kwargs):
        from .dashboard import module_progress_map
        from .enrollment import enrollment_for, missing_prerequisites
        from .path import next_step

        context = super().get_context(request, *args, **kwargs)
        modules = list(self.modules())
        enrollment = enrollment_for(request.user, self)
        progress = module_progress_map(enrollment)
        done = {m.id for m in modules if m.id in progress and progress[m.id].completed_at}
        context["modules"] = modules
        context["bibliography"] = self.bibliography(modules) if modules else []
        context["enrollment"] = enrollment
        context["module_rows"] = [(m, progress.get(m.id)) for m in modules]
        context["modules_done"] = len(done)
        context["next_module"] = next((m for m in modules if m.id not in done), None)
        context["next_step"] = next_step(request, enrollment, fallback=context["next_module"])
        context["missing_prerequisites"] = (
            missing_prerequisites(request.user, self)
            if request.user.is_authenticated and not enrollment
            else []
        )
        context["instructors"] = [
            link.instructor for link in self.course_instructors.select_related("instructor__photo")
        ]
        context["learner_panels"] = learner_panels(
            "course_learner_panels", request, self, enrollment
        )
        return context

    @path("")
    def course(self, request):
        return self.render(request)

    @path("enroll/", name="enroll")
    def enroll(self, request):
        from .views import enroll_view

        return enroll_view(request, self)


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


def kept_courses(course_ids, number=None):
    """{course id: CoursePage} for these ids: each course's live row (StreamFields deferred),
    kept (cms.kept) for the content generation (`number`, if the caller has just read it).
    Publishing moves the generation, and so does any other save of a course's live row
    (courses/apps.py), so a kept course is never stale; quiz starts and completion checks no
    longer read the page tables (decision 0202). Ids with no course are left out."""
    number = generation() if number is None else number
    keys = {course_id: f"course-page:{course_id}:{number}" for course_id in course_ids}
    return kept_many(keys, CoursePage.objects.defer_streamfields().in_bulk)


def kept_course(course_id):
    """The live course page with this id (kept_courses); CoursePage.DoesNotExist if none."""
    course = kept_courses([course_id]).get(course_id)
    if course is None:
        raise CoursePage.DoesNotExist(f"No course page with id {course_id}.")
    return course


# The module's own routes (below) that its learner parts link to.
SUBPAGES = ("heartbeat", "complete")

# The parts of a module page every reader of a version sees (ModulePage.shared_parts), in the
# order module_page.html places them around the learner's own parts.
SHARED_PARTS = {
    "breadcrumbs": "courses/includes/breadcrumbs.html",
    "head": "courses/includes/module_head.html",
    "body": "courses/includes/module_body.html",
    "related": "courses/includes/module_related.html",
    "nav": "courses/includes/module_nav.html",
}


class ModulePage(KeptViewRestrictionsMixin, RoutablePageMixin, Page):
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
        return kept_course(self.course_page_id or self.get_parent().id)

    def sibling_modules(self):
        return ModulePage.objects.sibling_of(self).live().public().defer_streamfields()

    def previous_module(self):
        return self.sibling_modules().filter(path__lt=self.path).order_by("-path").first()

    def next_module(self):
        return self.sibling_modules().filter(path__gt=self.path).order_by("path").first()

    def current_navigation(self):
        """The course, the previous and next modules and the related ones."""
        order = list(self.sibling_modules().order_by("path").values_list("pk", flat=True))
        return {
            "course": self.course,
            "position": (order.index(self.pk) + 1, len(order)) if self.pk in order else None,
            "previous_module": self.previous_module(),
            "next_module": self.next_module(),
            "related_modules": [
                link.related
                for link in self.related_links.select_related("related")
                if link.related
            ],
        }

    def fragment_keys(self, request):
        """How this page's shared parts and learner panels are kept (cms/kept.py):
        under Wagtail's `cache_key` for this version of the page and the content generation,
        for a day. Nothing is kept in a preview, nor while DEBUG is on, so a developer's
        template edits show at once without a restart."""
        seconds = 0 if settings.DEBUG or getattr(request, "is_preview", False) else KEEP_SECONDS
        return {
            "fragment_seconds": seconds,
            "fragment_key": f"{self.cache_key}:{generation()}",
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["shared"] = self.shared_parts(request, context, self.fragment_keys(request))
        context.update(self.learner_context(request))
        return context

    def shared_parts(self, request, context, keys):
        """{name: HTML} for SHARED_PARTS, the parts of the page that are the same for every
        reader of this version: rendered once and kept (fragment_keys), so a signed-in
        reader's request renders only their own parts, and reads neither the navigation
        (current_navigation(), which only these parts show) nor the pages it names. A
        preview's are fresh."""

        def render():
            part_context = {**context, **self.current_navigation(), "module": self}
            parts = {
                name: render_to_string(template, part_context, request)
                for name, template in SHARED_PARTS.items()
            }
            # The learner's forms post to these (module_progress.html): kept too, so that a
            # reader's request builds no page URL (which reads Wagtail's site root paths).
            parts["urls"] = {name: subpage_url(part_context, self, name) for name in SUBPAGES}
            return parts

        if not keys["fragment_seconds"]:
            return render()
        return kept(f"module-parts:{self.pk}:{keys['fragment_key']}", render)

    def learner_context(self, request):
        """The enrolled learner's progress on this module (nothing for anyone else)."""
        from .progress import learner_progress, minimum_seconds, remaining_seconds

        enrollment, progress = learner_progress(request.user, self, self.course, for_credit=False)
        if enrollment is None:
            return {"enrollment": None}
        remaining = remaining_seconds(progress, self, self.course)
        return {
            "enrollment": enrollment,
            "progress": progress,
            "minimum_seconds": minimum_seconds(self, self.course),
            "remaining_seconds": remaining,
            "remaining_minutes": math.ceil(remaining / 60),
            "heartbeat_seconds": settings.SEAT_TIME_HEARTBEAT_SECONDS,
            "learner_panels": learner_panels("module_learner_panels", request, self, enrollment),
        }

    @path("")
    def module(self, request):
        return self.render(request)

    @path("heartbeat/", name="heartbeat")
    def heartbeat(self, request):
        from .views import heartbeat_view

        return heartbeat_view(request, self)

    @path("complete/", name="complete")
    def complete(self, request):
        from .views import complete_view

        return complete_view(request, self)


class ModuleRelatedLink(Orderable):
    """A "see also" link from a module to a module on a related principle."""

    page = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [PageChooserPanel("related", page_type="courses.ModulePage")]


class Enrollment(models.Model):
    """A learner taking a course. One per learner and course, guarded by the database."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set once by the completion tracker."
    )

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment"),
        ]

    def __str__(self):
        return f"{self.user} in {self.course_id}"


class ModuleProgress(models.Model):
    """A learner's reading of one module: seat time credited on the server, and completion."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="module_progress"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.PROTECT, related_name="+")
    first_viewed_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    seconds_credited = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "module"], name="unique_module_progress"
            ),
        ]
        verbose_name_plural = "module progress"

    def __str__(self):
        return f"{self.enrollment} / module {self.module_id}"


class SeatClock(models.Model):
    """When a learner's reading time was last credited, over all modules of all courses.

    Every credit of seat time moves this one clock forward (a conditional UPDATE on its last
    value), so reading time credited in parallel tabs can never add up to more than the time
    that passed (courses/progress.py).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="seat_clock",
    )
    last_credit_at = models.DateTimeField()

    def __str__(self):
        return f"Seat clock of {self.user_id} at {self.last_credit_at:%Y-%m-%d %H:%M:%S}"
