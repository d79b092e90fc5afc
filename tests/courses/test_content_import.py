import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils.html import escape

from wagtail.models import PageLogEntry, Revision

import pytest

from courses.content_import import import_all
from courses.content_source import load_all_courses
from courses.models import CoursePage, ModulePage


@pytest.fixture
def imported(catalog):
    return import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))


def test_import_creates_the_course_and_its_published_modules(imported, catalog):
    course = CoursePage.objects.child_of(catalog).get(slug="nmt-foundations")
    modules = ModulePage.objects.child_of(course).order_by("path")
    assert modules.count() == 11
    assert all(m.live and not m.has_unpublished_changes for m in modules)
    assert modules[0].slug == "what-is-nmt"
    assert len(imported.created) == 12
    assert course.course_instructors.count() == 1
    assert course.approvals.count() == 1


def test_module_links_become_page_links_and_related_modules(imported):
    ischemia = ModulePage.objects.get(slug="ischemia")
    html = "".join(b.value.source for b in ischemia.body if b.block_type == "text")
    trigger_points = ModulePage.objects.get(slug="trigger-points")
    assert f'linktype="page" id="{trigger_points.id}"' in html
    assert "module:" not in html
    related = [link.related_id for link in ischemia.related_links.all()]
    assert trigger_points.id in related
    assert list(ischemia.principles.values_list("slug", flat=True)) == ["ischemia"]


def test_importing_again_duplicates_and_changes_nothing(imported):
    pages = ModulePage.objects.count()
    revisions = Revision.objects.count()
    logs = PageLogEntry.objects.count()
    again = import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    assert again.created == again.updated == []
    assert len(again.unchanged) == 12
    assert ModulePage.objects.count() == pages
    assert Revision.objects.count() == revisions
    assert PageLogEntry.objects.count() == logs


def test_a_changed_source_updates_the_page_through_a_new_revision(imported, tmp_path):
    source = tmp_path / "content"
    shutil.copytree(Path(settings.CONTENT_SOURCE_DIR), source)
    module_file = source / "nmt-foundations" / "modules" / "05-ischemia.md"
    module_file.write_text(
        module_file.read_text().replace("title: Ischemia", "title: Ischemia revisited"),
        encoding="utf-8",
    )
    page = ModulePage.objects.get(slug="ischemia")
    before = page.revisions.count()
    report = import_all(load_all_courses(source))
    assert report.updated == [page.url_path]
    page.refresh_from_db()
    assert page.title == "Ischemia revisited"
    assert page.revisions.count() == before + 1
    assert ModulePage.objects.filter(slug="ischemia").count() == 1


def test_admin_edits_survive_a_reimport_of_an_unchanged_source(imported):
    page = ModulePage.objects.get(slug="ischemia")
    page.summary = "Edited by an instructor in the admin."
    page.save_revision().publish()
    import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    page.refresh_from_db()
    assert page.summary == "Edited by an instructor in the admin."


def test_setup_demo_is_idempotent(db, capsys):
    from wagtail.models import Site

    from accounts.models import User
    from cms.models import CustomImage, ProviderSettings

    call_command("setup_demo")
    counts = (
        User.objects.count(),
        ModulePage.objects.count(),
        Revision.objects.count(),
        CustomImage.objects.count(),
    )
    call_command("setup_demo")
    assert (
        User.objects.count(),
        ModulePage.objects.count(),
        Revision.objects.count(),
        CustomImage.objects.count(),
    ) == counts
    logo = ProviderSettings.for_site(Site.objects.get(is_default_site=True)).logo
    assert logo.title == "Demo provider logo" and logo.is_svg()
    assert (logo.width, logo.height) == (480, 120)
    out = capsys.readouterr().out
    assert "learner@example.com" in out
    assert (
        User.objects.get(email="instructor@example.com").groups.filter(name="Instructors").exists()
    )


def test_import_command_reports_a_bad_source(db, tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "course.yaml").write_text("title: [", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("import_content", source=str(tmp_path))
    assert not CoursePage.objects.exists()


def test_references_render_on_every_demo_module_and_the_course_page(imported, client):
    course = CoursePage.objects.get(slug="nmt-foundations")
    cited = set()
    for page in ModulePage.objects.child_of(course):
        html = client.get(page.url).content.decode()
        [block] = [b for b in page.body if b.block_type == "references"]
        assert len(block.value) >= 3, page.slug
        for n in range(1, len(block.value) + 1):
            assert f'<li id="ref-{n}">' in html, (page.slug, n)
            assert f'href="#ref-{n}"' in html, (page.slug, n)  # every reference is cited
        cited |= {ref["title"] for ref in block.value}
    bibliography = client.get(course.url).content.decode().split('id="bibliography"')[1]
    assert all(escape(title) in bibliography for title in cited)
