from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .enrollment import pages_with_learner_records
from .models import Instructor, Principle


class InstructorViewSet(SnippetViewSet):
    model = Instructor
    icon = "user"
    menu_label = "Instructors"
    list_display = ["name", "credentials"]
    search_fields = ["name", "credentials"]


class PrincipleViewSet(SnippetViewSet):
    model = Principle
    icon = "tag"
    menu_label = "NMT principles"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class CourseSnippetsGroup(SnippetViewSetGroup):
    menu_label = "Course library"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (InstructorViewSet, PrincipleViewSet)


register_snippet(CourseSnippetsGroup)


def _refuse_deleting_learner_records(request, pages):
    kept = pages_with_learner_records(pages)
    if not kept:
        return None
    titles = ", ".join(f"“{page.title}”" for page in kept[:5])
    messages.error(
        request,
        f"{titles} cannot be deleted: learners have enrolled or made progress there, and "
        "those records must be kept. Unpublish the page instead.",
    )
    return redirect(reverse("wagtailadmin_explore", args=[pages[0].get_parent().id]))


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_learner_records(request, page):
    return _refuse_deleting_learner_records(request, [page])


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_pages_with_learner_records(request, action_type, objects, view):
    if action_type == "delete" and objects:
        return _refuse_deleting_learner_records(request, list(objects))
    return None
