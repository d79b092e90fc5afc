import hashlib

from django.core.exceptions import ValidationError
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce, Left, Length
from django.template.loader import render_to_string
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import StatusTagColumn
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.forms import is_lookup_id
from cms.kept import kept
from courses.models import ModulePage
from courses.path import NEXT_STEPS_HOOK

from . import admin_views
from .accommodations_admin import AccommodationViewSet
from .completion import READ, course_status, course_status_in, learner_records
from .gating import module_quiz_gate
from .models import CourseCompletion, Question, Quiz
from .path import learner_path, next_steps
from .validation import exposure_problems, question_problems, quiz_problems


class QuizForm(WagtailAdminModelForm):
    """Refuses questions without a correct choice, a pool smaller than its draw, and so on."""

    # Page choosers post a page id. Wagtail's chooser widget, re-rendering a refused form,
    # looks a tampered id up and fails with a server error when it is not a number or too
    # big for the database; such a value is treated as no choice, which the form then
    # refuses with its own message.
    CHOOSER_FIELDS = ("module", "course")

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data", args[0] if args else None)
        if data is not None:
            data = data.copy()
            for name in self.CHOOSER_FIELDS:
                value = data.get(name, "")
                if value and not is_lookup_id(value):
                    data[name] = ""
            if "data" in kwargs:
                kwargs["data"] = data
            else:
                args = (data, *args[1:])
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        questions = self.formsets["questions"]
        live = 0
        exposed, elsewhere = self.exposed_prompts(cleaned.get("module"), cleaned.get("course"))
        for form in questions.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            if not form.has_changed() and not form.instance.pk:
                continue
            live += 1
            choices = [
                (c.cleaned_data.get("text", ""), c.cleaned_data.get("is_correct", False))
                for c in form.formsets["choices"].forms
                if c.is_valid() and c.cleaned_data and not c.cleaned_data.get("DELETE")
            ]
            for problem in question_problems(form.cleaned_data.get("kind"), choices):
                form.add_error(None, problem)
            prompt = [form.cleaned_data.get("prompt", "")]
            for problem in exposure_problems(prompt, exposed, elsewhere):
                form.add_error("prompt", problem)
        for problem in quiz_problems(live, cleaned.get("draw_count")):
            self.add_error("draw_count" if live else None, problem)
        module, course = cleaned.get("module"), cleaned.get("course")
        if bool(module) == bool(course):
            raise ValidationError(
                "Choose either the module this quiz belongs to, or the course whose final "
                "exam it is, not both."
            )
        return cleaned

    def exposed_prompts(self, module, course):
        """Prompts of the course's quizzes on the other side of the exposure rule: for a
        final exam, its module quizzes' (their reviews show answers); for a module quiz, the
        final exam's. Returns (prompts, what to call them)."""
        others = Question.objects.exclude(quiz=self.instance.pk)
        if course and not module:
            others = others.filter(quiz__module__in=ModulePage.objects.child_of(course))
            return others.values_list("prompt", flat=True), "a module quiz of this course"
        if module and not course:
            others = others.filter(quiz__course=module.get_parent())
            return others.values_list("prompt", flat=True), "this course's final exam"
        return [], ""


MODERATION_LABELS = {
    WorkflowState.STATUS_IN_PROGRESS: "in moderation",
    WorkflowState.STATUS_NEEDS_CHANGES: "changes requested",
}


def quiz_status(quiz):
    """Live or draft, as Wagtail words it, and whether a draft is in the review workflow.

    (Wagtail's own status_string also looks for a revision scheduled to go live, a query per
    row; quizzes are never scheduled: their editor has no publishing panel.)"""
    if hasattr(quiz, "moderation"):  # annotated by the listing's queryset
        moderation = quiz.moderation
    else:
        state = quiz.current_workflow_state
        moderation = state.status if state else None
    if moderation in MODERATION_LABELS:
        label = MODERATION_LABELS[moderation]
    elif quiz.live:
        return "live + draft" if quiz.has_unpublished_changes else "live"
    else:
        return "expired" if quiz.expired else "draft"
    return f"live + {label}" if quiz.live else label


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = "Quizzes"
    menu_order = 210
    add_to_admin_menu = True
    list_display = [
        "title",
        "module",
        "course",
        "pass_mark",
        "max_attempts",
        StatusTagColumn("status", label="Status", accessor=quiz_status, primary=lambda q: q.live),
    ]
    search_fields = ["title"]

    edit_handler = ObjectList(Quiz.panels, base_form_class=QuizForm)

    def get_queryset(self, request):
        """Quizzes in course order: courses in their page-tree order, each course's module
        quizzes in the order of its modules, then its final exam; with the review state of
        each quiz's draft, if one is in the workflow."""
        active_states = WorkflowState.objects.active().filter(
            base_content_type=Quiz.get_base_content_type(),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        module_path = "module__path"
        return (
            Quiz.objects.select_related("module", "course")
            .annotate(
                course_path=Coalesce(
                    Left(module_path, Length(module_path) - ModulePage.steplen), "course__path"
                ),
                moderation=Subquery(active_states.values("status")[:1]),
            )
            .order_by("course_path", F("course_id").asc(nulls_first=True), module_path, "pk")
        )


register_snippet(QuizViewSet)


@hooks.register("module_learner_panels")
def module_quiz_panel(request, module, enrollment):
    """The module's quiz, the primary button to the next step, and the course outline.

    Its HTML depends only on the published content and on what the learner has done in the
    course (`learner_records`: one query), and learners move through a course in few
    states, so each state's panel is rendered once and kept (`module_panel_key`)."""
    records = learner_records([enrollment])
    key = module_panel_key(request, module, records)
    if key is None:
        return render_module_panel(request, module, enrollment, records)
    return kept(key, lambda: render_module_panel(request, module, enrollment, records))


def module_panel_key(request, module, records):
    """Where a module's learner panel is kept: the module page's fragment key (its version
    and the content generation) with a digest of the learner's records in this course and
    the address asked for. None when nothing is kept (DEBUG, previews)."""
    keys = module.fragment_keys(request)
    if not keys["fragment_seconds"]:
        return None
    read, passed, evaluated = records
    state = (
        sorted(module_id for _e, module_id in read),
        sorted(quiz_id for _e, quiz_id in passed),
        bool(evaluated),
        request.path,
    )
    digest = hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()
    return f"module-panel:{module.pk}:{keys['fragment_key']}:{digest}"


def render_module_panel(request, module, enrollment, records):
    course = module.course
    status = course_status_in(enrollment, course, records)
    here = next((m for m in status.modules if m.module.id == module.id), None)
    path = learner_path(course, status)
    read = bool(here and here.read)
    context = {
        "quiz": here.quiz if here else None,
        "passed": bool(here and here.quiz_passed),
        "gate": module_quiz_gate(course, module, read, status.urls.get((READ, module.id))),
        "path": path,
        "next_step": path.next_step(),
    }
    return render_to_string("quizzes/module_panel.html", context, request=request)


@hooks.register(NEXT_STEPS_HOOK)
def quiz_next_steps(request, enrollments):
    return next_steps(enrollments)


@hooks.register("course_learner_panels")
def course_outline_panel(request, course, enrollment):
    """The course outline: every step with its state, and the requirements to complete."""
    status = course_status(enrollment)
    return render_to_string(
        "quizzes/course_panel.html",
        {
            "course": course,
            "status": status,
            "path": learner_path(course, status),
            "completion": CourseCompletion.objects.filter(enrollment=enrollment).first(),
        },
        request=request,
    )


@hooks.register("register_admin_urls")
def report_urls():
    return [
        path("reports/quizzes/", admin_views.QuizList.as_view(), name="quiz_reports"),
        path("reports/quizzes/<int:quiz_id>/", admin_views.quiz_report, name="quiz_report"),
        path("reports/courses/", admin_views.CourseList.as_view(), name="course_reports"),
        path("reports/courses/<int:course_id>/", admin_views.course_report, name="course_report"),
    ]


class ReportMenuItem(MenuItem):
    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule

    def is_shown(self, request):
        return self.rule(request.user)


@hooks.register("register_reports_menu_item")
def quiz_reports_menu_item():
    return ReportMenuItem(
        "Quiz statistics",
        reverse("quiz_reports"),
        icon_name="tasks",
        rule=admin_views.can_see_quiz_statistics,
    )


@hooks.register("register_reports_menu_item")
def course_reports_menu_item():
    return ReportMenuItem(
        "Course rosters",
        reverse("course_reports"),
        icon_name="group",
        rule=admin_views.can_see_rosters,
    )


@hooks.register("register_admin_viewset")
def register_accommodations():
    return AccommodationViewSet("accommodations")
