from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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
