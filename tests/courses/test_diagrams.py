"""Course diagrams: the demo SVGs, the figure blocks that place them, their import and display.

Each module of the demo course has its own hand-written SVG diagram (content/<course>/diagrams/),
and modules 08 and 11 place more (the neck's endangerment sites, trigger point referral maps),
each placed in a body by a `::: figure <file>.svg` block with alt text and a caption
(content/README.md). The SVGs are checked here twice: by the importer's own `svg_problem`, and
by an independent check in this file, so a slip in one does not let an unsafe file through.
"""

import hashlib
import io
import re
import shutil
import textwrap
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from wagtail.images import get_image_model
from wagtail.models import Revision

import pytest
from defusedxml.ElementTree import fromstring as parse_xml
from PIL import Image as PILImage

from courses.content_import import image_title, import_all
from courses.content_source import (
    ContentSourceError,
    FigureSegment,
    load_all_courses,
    load_course,
    parse_module,
    svg_problem,
)
from courses.models import CoursePage, ModulePage
from tests.courses.sources import CITED, REFERENCES

DEMO = Path(settings.CONTENT_SOURCE_DIR) / "nmt-foundations"
DIAGRAMS = sorted((DEMO / "diagrams").glob("*.svg"))
SVG = "{http://www.w3.org/2000/svg}"

# Okabe and Ito's colour-blind-safe palette, light tints of it for fills, and greys.
PALETTE = {
    "#1a1a1a",  # text
    "#555555",
    "#eeeeee",
    "#ffffff",
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#e69f00",  # orange
    "#f0e442",  # yellow
    "#56b4e9",  # sky blue
    "#dcebf7",  # tints
    "#fadfd2",
    "#d5efe4",
    "#fde9c9",
    "#f4e2ec",
    "#fbf6cf",
}


def sha1(data):
    """The file hash Wagtail keeps for an image."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@pytest.fixture(scope="module")
def demo():
    return load_course(DEMO)


# --- the demo content -----------------------------------------------------------------------


def test_every_diagram_in_the_folder_is_placed_once(demo):
    used = sorted(figure.file for module in demo.modules for figure in module.figures)
    assert used == [path.name for path in DIAGRAMS]
    # The referral maps for the trigger points the course names, and the neck's danger zones.
    by_module = {m.slug: {f.file for f in m.figures} for m in demo.modules}
    assert {
        "referral-sternocleidomastoid.svg",
        "referral-levator-scapulae.svg",
        "referral-gluteus-minimus.svg",
    } < by_module["trigger-points"]
    assert "neck-endangerment-sites.svg" in by_module["nerve-entrapment"]


@pytest.mark.parametrize("index", range(11))
def test_every_demo_module_has_a_diagram_with_alt_text_and_a_caption(demo, index):
    module = demo.modules[index]
    assert f"{module.slug}.svg" in [figure.file for figure in module.figures]
    for figure in module.figures:
        assert len(figure.alt) >= 60, "alt text says what the diagram shows"
        assert not re.match(r"(diagram|image|picture) of", figure.alt, re.I)
        # A caption is one sentence.
        assert figure.caption.endswith(".") and ". " not in figure.caption
        assert figure.caption != figure.alt


# --- the SVG files: safe, and readable ------------------------------------------------------


def diagram_faults(data):
    """An independent check for what no diagram may contain: code, foreign content and
    references to anything outside the file."""
    faults = []
    lowered = data.decode("utf-8").lower()
    for needle in ("<!doctype", "<!entity", "<?xml-stylesheet", "javascript:", "@import"):
        if needle in lowered:
            faults.append(needle)
    if "http" in lowered.replace('xmlns="http://www.w3.org/2000/svg"', ""):
        faults.append("a reference to another address")
    try:
        root = parse_xml(data, forbid_dtd=True)
    except Exception as exc:  # any refusal to parse is a fault
        return [*faults, f"not plain XML: {exc.__class__.__name__}"]
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        if tag in {"script", "foreignObject", "image", "iframe", "embed", "object", "a", "set"}:
            faults.append(f"<{tag}>")
        if tag.startswith("animate"):
            faults.append(f"<{tag}>")
        for key, value in element.attrib.items():
            name = key.rpartition("}")[2]
            if name.lower().startswith("on"):
                faults.append(f"{name}=")
            if name == "href" and not value.startswith("#"):
                faults.append(f"href={value}")
            if re.search(r"url\(\s*['\"]?(?!#)", value):
                faults.append(f"{name}={value}")
    return faults


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda path: path.name)
def test_each_diagram_is_small_safe_xml(path):
    data = path.read_bytes()
    assert len(data) < 10_000, "diagrams are small and hand-written"
    assert diagram_faults(data) == []
    assert svg_problem(data) is None


def _parents(root):
    return {child: parent for parent in root.iter() for child in parent}


def _inherited(element, name, parents):
    while element is not None:
        if name in element.attrib:
            return element.attrib[name]
        element = parents.get(element)
    return None


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda path: path.name)
def test_each_diagram_is_accessible(path):
    root = parse_xml(path.read_bytes())
    parents = _parents(root)
    assert root.get("role") == "img"
    assert root.get("width") == "800" and root.get("viewBox").split()[2] == "800"
    assert root.get("height") == root.get("viewBox").split()[3]
    assert root.find(f"{SVG}title").text.strip()
    assert len(root.find(f"{SVG}desc").text.split()) >= 30, "<desc> describes the picture"

    colours = {
        value.lower()
        for element in root.iter()
        for name in ("fill", "stroke")
        if (value := element.get(name)) and value.startswith("#")
    }
    assert colours <= PALETTE, (
        f"colours outside the colour-blind-safe palette: {colours - PALETTE}"
    )
    backgrounds = {
        element.get("fill").lower()
        for element in root.iter()
        if element.tag in {f"{SVG}rect", f"{SVG}ellipse", f"{SVG}circle", f"{SVG}path"}
        and (element.get("fill") or "").startswith("#")
        and _luminance(element.get("fill")) > 0.4
    } | {"#ffffff"}

    texts = [element for element in root.iter() if element.tag in {f"{SVG}text", f"{SVG}tspan"}]
    assert texts, "labels are real text"
    for text in texts:
        label = "".join(text.itertext())
        size = float(_inherited(text, "font-size", parents))
        assert size >= 14, f"{label!r} is {size}px; at least 14 at 800 wide"
        family = _inherited(text, "font-family", parents)
        assert family.split(",")[-1].strip() in {"sans-serif", "serif", "monospace"}, family
        fill = _inherited(text, "fill", parents).lower()
        for background in backgrounds:
            assert _contrast(fill, background) >= 4.5, f"{label!r}: {fill} on {background}"


MUTATIONS = {
    "script": ("</svg>", "<script>alert(1)</script></svg>"),
    "event handler": ('role="img"', 'role="img" onload="alert(1)"'),
    "foreignObject": (
        "</svg>",
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>',
    ),
    "linked image": (
        "</svg>",
        '<image href="https://example.com/a.png" width="9" height="9"/></svg>',
    ),
    "external use": ("</svg>", '<use href="https://example.com/a.svg#x"/></svg>'),
    "javascript link": ("</svg>", '<a href="javascript:alert(1)"><text>x</text></a></svg>'),
    "external paint": (
        "</svg>",
        '<rect width="9" height="9" fill="url(https://example.com/p.svg#x)"/></svg>',
    ),
    "external css": ("</svg>", "<style>@import url(https://example.com/a.css);</style></svg>"),
    "animation": ("</svg>", '<set attributeName="href" to="javascript:alert(1)"/></svg>'),
    "entity": ("<svg ", '<!DOCTYPE svg [<!ENTITY x "y">]><svg '),
    "stylesheet": ("<svg ", '<?xml-stylesheet href="https://example.com/a.css"?><svg '),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_forbidden_addition_to_a_diagram_is_caught(mutation):
    old, new = MUTATIONS[mutation]
    text = (DEMO / "diagrams" / "ischemia.svg").read_text(encoding="utf-8")
    assert old in text
    data = text.replace(old, new, 1).encode()
    assert diagram_faults(data), f"the test's own check misses: {mutation}"
    assert svg_problem(data), f"the importer misses: {mutation}"


# --- the figure format and its validation ---------------------------------------------------

MODULE = f"""
---
title: Ischemia
slug: ischemia
principles: [ischemia]
estimated_minutes: 3
summary: Blood flow.
objectives: [Explain ischemia.]
related: []
{REFERENCES}---
Some **text**. {CITED}

::: figure ischemia.svg
alt: >-
  Three boxes in a loop: contraction, reduced blood flow, pain.
caption: The ischemia-pain-spasm cycle, a proposed model.
:::

::: contraindication Careful
Not over varicose veins.
:::
"""


def write_module(tmp_path, text=MODULE, svg=None):
    (tmp_path / "modules").mkdir(exist_ok=True)
    (tmp_path / "diagrams").mkdir(exist_ok=True)
    (tmp_path / "diagrams" / "ischemia.svg").write_bytes(
        svg if svg is not None else (DEMO / "diagrams" / "ischemia.svg").read_bytes()
    )
    path = tmp_path / "modules" / "01-ischemia.md"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_figure_block_becomes_a_figure_segment_in_place(tmp_path):
    module = parse_module(write_module(tmp_path))
    kinds = [type(segment).__name__ for segment in module.segments]
    assert kinds == ["TextSegment", "FigureSegment", "CalloutSegment"]
    figure = module.segments[1]
    assert isinstance(figure, FigureSegment)
    assert figure.alt == "Three boxes in a loop: contraction, reduced blood flow, pain."
    assert figure.caption == "The ischemia-pain-spasm cycle, a proposed model."
    assert figure.sha1 == sha1((tmp_path / "diagrams" / "ischemia.svg").read_bytes())
    assert module.figures == [figure]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("::: figure ischemia.svg", "::: figure cycle.svg", "cycle.svg is missing"),
        ("::: figure ischemia.svg", "::: figure", "names an SVG file"),
        ("::: figure ischemia.svg", "::: figure Ischemia.SVG", "lowercase-hyphenated"),
        ("::: figure ischemia.svg", "::: figure ../secret.svg", "names an SVG file"),
        (
            "alt: >-\n  Three boxes in a loop: contraction, reduced blood flow, pain.\n",
            "",
            "no alt text",
        ),
        ("alt: >-\n  Three boxes", "alt: >-\n  Diagram of three boxes", "not 'Diagram of"),
        ("  Three boxes in a loop", "  Three boxes in a loop" + " and more" * 40, "at most 255"),
        ("caption: The ischemia-pain-spasm cycle, a proposed model.\n", "", "no caption"),
        ("caption: The", "credit: Me\ncaption: The", "unexpected key"),
        ("caption: The ischemia-pain-spasm cycle", "caption: The cycle: [", "not valid YAML"),
        ("a proposed model.\n:::\n\n::: contra", "a proposed model.\n\n::: contra", "still open"),
    ],
)
def test_bad_figure_blocks_are_refused_with_the_reason(tmp_path, old, new, message):
    text = textwrap.dedent(MODULE).lstrip()
    assert old in text
    path = write_module(tmp_path, text.replace(old, new, 1))
    with pytest.raises(ContentSourceError, match=re.escape(message)) as info:
        parse_module(path)
    assert "01-ischemia.md" in str(info.value)


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        ("script", "<script>"),
        ("event handler", "event-handler attribute"),
        ("foreignObject", "<foreignObject>"),
        ("linked image", "<image>"),
        ("external paint", "reference to another file"),
        ("entity", "DOCTYPE"),
    ],
)
def test_an_unsafe_svg_is_refused_with_the_reason(tmp_path, mutation, message):
    old, new = MUTATIONS[mutation]
    svg = (DEMO / "diagrams" / "ischemia.svg").read_text(encoding="utf-8").replace(old, new, 1)
    path = write_module(tmp_path, svg=svg.encode())
    with pytest.raises(ContentSourceError, match=re.escape(message)) as info:
        parse_module(path)
    assert "figure 'ischemia.svg'" in str(info.value)


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        (b"<svg", "not well-formed XML"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "<svg> root element"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>', "viewBox"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" height="8"/>', "width"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" width="8" height="8"/>',
            'role="img"',
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" width="8" height="8" '
            b'role="img"><title>T</title></svg>',
            "<desc>",
        ),
        (b"<svg " + b" " * 100_000 + b"/>", "under 100,000"),
    ],
)
def test_svg_structure_rules(svg, message):
    assert message in svg_problem(svg)


# --- import ---------------------------------------------------------------------------------


@pytest.fixture
def imported(catalog):
    return import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))


def test_import_stores_each_diagram_once_in_the_course_collection(imported):
    Image = get_image_model()
    course = CoursePage.objects.get(slug="nmt-foundations")
    images = Image.objects.filter(title__startswith="nmt-foundations/diagrams/")
    assert images.count() == len(DIAGRAMS) == 15
    assert {image.collection.name for image in images} == {course.title}
    image = images.get(title=image_title("nmt-foundations", "ischemia.svg"))
    data = (DEMO / "diagrams" / "ischemia.svg").read_bytes()
    assert image.file.name.endswith(".svg") and image.is_svg()
    assert (image.width, image.height) == (800, 480)
    assert image.file_hash == sha1(data)
    with image.file.open() as stored:
        assert stored.read() == data
    assert image.description.startswith("A loop of three boxes")


def test_module_body_holds_the_figure_with_alt_text_and_caption(imported, demo):
    source = next(module for module in demo.modules if module.slug == "ischemia")
    page = ModulePage.objects.get(slug="ischemia")
    [block] = [block for block in page.body if block.block_type == "figure"]
    assert block.value["image"].title == image_title("nmt-foundations", "ischemia.svg")
    assert block.value["image"].contextual_alt_text == source.figures[0].alt
    assert block.value["caption"] == source.figures[0].caption
    kinds = [block.block_type for block in page.body]
    assert kinds.index("figure") == [type(s).__name__ for s in source.segments].index(
        "FigureSegment"
    )


def test_importing_again_adds_no_image_and_no_revision(imported):
    Image = get_image_model()
    before = (Image.objects.count(), Revision.objects.count())
    files = sorted(Image.objects.values_list("file", flat=True))
    again = import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    assert again.created == again.updated == []
    assert (Image.objects.count(), Revision.objects.count()) == before
    assert sorted(Image.objects.values_list("file", flat=True)) == files


@pytest.fixture
def content_copy(tmp_path):
    source = tmp_path / "content"
    shutil.copytree(Path(settings.CONTENT_SOURCE_DIR), source)
    return source


def test_a_changed_svg_updates_the_image_in_place(
    imported, content_copy, client, django_capture_on_commit_callbacks
):
    Image = get_image_model()
    image = Image.objects.get(title=image_title("nmt-foundations", "ischemia.svg"))
    old_name = image.file.name
    page = ModulePage.objects.get(slug="ischemia")
    client.get(page.url)  # makes a rendition
    assert image.renditions.count() == 1
    revisions = page.revisions.count()

    svg = content_copy / "nmt-foundations" / "diagrams" / "ischemia.svg"
    data = svg.read_bytes().replace(b"The ischemia-pain-spasm cycle<", b"The ischaemia cycle<")
    svg.write_bytes(data)
    with django_capture_on_commit_callbacks(execute=True):
        report = import_all(load_all_courses(content_copy))

    assert report.created == report.updated == []
    image.refresh_from_db()
    assert Image.objects.filter(title=image.title).count() == 1
    assert image.file_hash == sha1(data)
    with image.file.open() as stored:
        assert stored.read() == data
    assert not default_storage.exists(old_name)
    assert image.renditions.count() == 0
    assert page.revisions.count() == revisions  # the page points at the same image
    src = figure_images(client.get(page.url).text)[0]["src"]
    assert b"The ischaemia cycle" in default_storage.open(media_name(src)).read()


def test_changed_alt_text_revises_the_page_but_not_the_image(imported, content_copy):
    Image = get_image_model()
    module = content_copy / "nmt-foundations" / "modules" / "05-ischemia.md"
    module.write_text(
        module.read_text(encoding="utf-8").replace(
            "A loop of three boxes", "Three boxes in a loop"
        ),
        encoding="utf-8",
    )
    page = ModulePage.objects.get(slug="ischemia")
    revisions = page.revisions.count()
    images = Image.objects.count()
    report = import_all(load_all_courses(content_copy))
    assert report.updated == [page.url_path]
    assert page.revisions.count() == revisions + 1
    assert Image.objects.count() == images
    page.refresh_from_db()
    [block] = [block for block in page.body if block.block_type == "figure"]
    assert block.value["image"].contextual_alt_text.startswith("Three boxes in a loop")


def test_a_deleted_image_is_made_again_and_the_page_points_at_it(imported):
    Image = get_image_model()
    Image.objects.get(title=image_title("nmt-foundations", "ischemia.svg")).delete()
    import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    image = Image.objects.get(title=image_title("nmt-foundations", "ischemia.svg"))
    page = ModulePage.objects.get(slug="ischemia")
    [block] = [block for block in page.body if block.block_type == "figure"]
    assert block.value["image"].id == image.id


# --- display --------------------------------------------------------------------------------


class FigureParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []
        self.captions = []
        self._caption = None

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "figcaption":
            self._caption = []

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.captions.append("".join(self._caption))
            self._caption = None


def figure_images(html):
    parser = FigureParser()
    parser.feed(html)
    return parser.images


def media_name(src):
    assert src.startswith(settings.MEDIA_URL)
    return src.removeprefix(settings.MEDIA_URL)


@pytest.mark.parametrize("slug", ["what-is-nmt", "ischemia", "trigger-points"])
def test_module_page_shows_the_svg_with_alt_text_size_and_caption(imported, demo, client, slug):
    figure = next(module for module in demo.modules if module.slug == slug).figures[0]
    response = client.get(ModulePage.objects.get(slug=slug).url)
    assert response.status_code == 200
    parser = FigureParser()
    parser.feed(response.text)
    [img] = [img for img in parser.images if img.get("alt") == figure.alt]
    assert img["src"].endswith(".svg")
    assert re.fullmatch(r"\d+", img["width"]) and re.fullmatch(r"\d+", img["height"])
    assert img["width"] == "800"
    served = default_storage.open(media_name(img["src"])).read()
    root = parse_xml(served)
    assert root.tag == f"{SVG}svg"
    source = parse_xml(figure.data)
    assert root.find(f"{SVG}title").text == source.find(f"{SVG}title").text
    assert figure.caption in parser.captions


def test_raster_figures_still_render_as_webp(course, client):
    Image = get_image_model()
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 600), "#0072b2").save(buffer, "PNG")
    from django.core.files.images import ImageFile

    image = Image(title="Blue", file=ImageFile(buffer, name="blue.png"))
    image.save()
    page = ModulePage.objects.child_of(course).first()
    page.body = [
        {
            "type": "figure",
            "value": {
                "image": {"image": image.id, "decorative": False, "alt_text": "A blue field"},
                "caption": "Blue.",
            },
        }
    ]
    page.save_revision().publish()
    parser = FigureParser()
    parser.feed(client.get(page.url).text)
    [img] = [img for img in parser.images if img.get("alt") == "A blue field"]
    assert img["src"].endswith(".webp")
    assert (img["width"], img["height"]) == ("960", "480")
    assert parser.captions == ["Blue."]


def test_figure_renditions_are_made_at_publish_not_while_a_learner_waits(imported, client):
    from courses.renditions import figure_images

    page = ModulePage.objects.get(slug="ischemia")
    image = figure_images(page)[0]
    image.renditions.all().delete()
    page.save_revision().publish()
    # (for an SVG Wagtail keeps only the SVG-safe part of the filter: "width-960")
    assert image.renditions.count() == 1
    client.get(page.url)
    assert image.renditions.count() == 1  # the page view made none
