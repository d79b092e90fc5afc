"""The demo course's diagrams in a real browser: on every module page each image loads (the
browser decoded it, so it has a natural width) and has alt text, and the figure has its
caption."""

from pathlib import Path

from django.conf import settings

import pytest
from playwright.sync_api import expect

from courses.content_source import load_course
from courses.models import ModulePage
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEMO = Path(settings.CONTENT_SOURCE_DIR) / "nmt-foundations"

IMAGE_STATE = """img => ({
    complete: img.complete,
    naturalWidth: img.naturalWidth,
    alt: img.getAttribute('alt'),
    src: img.currentSrc,
    shownWidth: img.getBoundingClientRect().width,
    pageWidth: document.documentElement.clientWidth,
})"""


@pytest.fixture
def media_on_disk(settings, tmp_path):
    """Uploaded media in a fresh folder on disk, for the live server to serve.

    The test settings keep media in memory, which no server can hand to a browser; Django's
    live server serves MEDIA_URL from MEDIA_ROOT, as a web server or object store would in
    production. Requested before `demo_site`, so the import writes the diagrams here.
    """
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path / "media"


def test_every_module_diagram_loads_with_alt_text(page, media_on_disk, demo_site):
    modules = list(
        ModulePage.objects.live()
        .filter(course_page__slug="nmt-foundations")
        .order_by("path")
        .defer_streamfields()
    )
    assert len(modules) == 11
    figures = {m.slug: len(m.figures) for m in load_course(DEMO).modules}
    svgs = {path.name for path in media_on_disk.glob("original_images/*.svg")}
    # The diagrams; setup_demo adds a logo.
    assert len(svgs - {"demo-provider-logo.svg"}) == sum(figures.values()) == 15
    for module in modules:
        page.goto(demo_site.url + module.url)
        expect(page.get_by_role("heading", level=1, name=module.title)).to_be_visible()
        images = page.locator("img")
        expect(page.locator("main figure img")).to_have_count(figures[module.slug])
        expect(page.locator("main figure figcaption")).to_have_count(figures[module.slug])
        for image in images.all():
            image.scroll_into_view_if_needed()
            handle = image.element_handle()
            page.wait_for_function("img => img.complete", arg=handle)
            state = image.evaluate(IMAGE_STATE)
            where = f"{module.url}: {state['src']}"
            assert state["naturalWidth"] > 0, f"{where} did not load"
            assert (state["alt"] or "").strip(), f"{where} has no alt text"
            assert 0 < state["shownWidth"] <= state["pageWidth"], f"{where} overflows the page"


def test_a_module_page_with_its_diagram_is_accessible(page, media_on_disk, demo_site):
    module = ModulePage.objects.get(slug="ischemia")
    page.goto(demo_site.url + module.url)
    figure = page.get_by_role("figure")
    expect(figure.get_by_role("img", name="A loop of three boxes", exact=False)).to_be_visible()
    assert_accessible(page)
