"""References as content: the importer turns a module's references into a numbered References
block its citations link to; the course page gathers them into one bibliography; an editor
cannot leave a citation pointing past the list."""

import textwrap

from django.core.exceptions import ValidationError

import pytest
import yaml

from courses.blocks import ModuleBodyBlock
from courses.content_import import import_all
from courses.content_source import ContentSourceError, load_course
from courses.models import CoursePage, ModulePage
from tests.courses.sources import COURSE, MODULE, QUIZ, write_course

# A second module citing one work the first cites (same DOI-less title and year) and two more.
SECOND = """
---
title: Trigger points
slug: trigger-points
principles: [trigger-points]
estimated_minutes: 3
summary: Tender spots.
objectives: [Describe a trigger point.]
related: []
references:
  - {id: able-2001, type: journal, authors: Able A, year: 2001, title: One, source: J 1(1):1-2}
  - id: cole-2015
    type: journal
    authors: Cole C, Dean D
    year: 2015
    title: A critique
    source: Rheumatology 54(3):392-399
    doi: 10.1093/rheumatology/keu471
  - {id: aaron-2010, type: book, authors: Aaron Z, year: 2010, title: Zed, source: Press}
---
Critics doubt the model [@cole-2015]; others defend it [@aaron-2010] [@able-2001].
"""

SECOND_QUIZ = {
    "module": "trigger-points",
    "questions": [
        {
            "kind": kind,
            "objective": "Describe a trigger point.",
            "prompt": f"Which statement about taut bands is true ({kind})?",
            **(
                {"answer": True}
                if kind == "true_false"
                else {
                    "choices": [
                        {"text": "Tender", "correct": True},
                        {"text": "Banded", "correct": kind == "multiple"},
                        {"text": "Absent"},
                    ]
                }
            ),
            "explanation": "Because.",
        }
        for kind in ("single", "multiple", "true_false")
    ],
}


@pytest.fixture
def course(catalog, tmp_path):
    folder = write_course(tmp_path / "t")
    for name, text in (
        ("modules/02-trigger-points.md", textwrap.dedent(SECOND).lstrip()),
        ("quizzes/02-trigger-points.yaml", yaml.safe_dump(SECOND_QUIZ, sort_keys=False)),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    course_yaml = folder / "course.yaml"
    course_yaml.write_text(
        textwrap.dedent(COURSE).lstrip()
        + textwrap.dedent(
            """
            scope: |
              **Theory only.** No certification in the technique.
            last_reviewed: 2026-12-03
            instructors:
              - name: Robin Example
                credentials: LMT
                bio: Teaches pressure and referral.
            """
        ),
        encoding="utf-8",
    )
    import_all([load_course(folder)])
    return CoursePage.objects.get(slug="t")


def references_block(page):
    [block] = [b for b in page.body if b.block_type == "references"]
    return block


def test_the_importer_adds_a_numbered_reference_list_the_text_cites(course):
    page = ModulePage.objects.get(slug="ischemia")
    refs = references_block(page).value
    assert [ref["authors"] for ref in refs] == ["Able A", "Baker B", "An Organisation"]
    assert refs[2]["url"] == "https://example.org/three"
    text = "".join(b.value.source for b in page.body if b.block_type == "text")
    assert '<a href="#ref-1">1</a>, <a href="#ref-2">2</a>' in text
    assert '<a href="#ref-3">3</a>' in text
    callout = next(b for b in page.body if b.block_type == "callout")
    assert '<a href="#ref-1">1</a>' in callout.value["body"].source
    assert "[@" not in text


def test_a_reference_ends_each_part_with_one_full_stop():
    from cms.templatetags.cms_format import full_stop

    assert full_stop("Vogel S, et al.") == "Vogel S, et al."
    assert full_stop("Lewit K ") == "Lewit K."
    assert full_stop("Is massage useful?") == "Is massage useful?"


def test_references_render_as_a_numbered_list_on_the_module_page(client, course):
    page = ModulePage.objects.get(slug="trigger-points")
    html = client.get(page.url).content.decode()
    assert '<h2 id="references-heading">References</h2>' in html
    assert '<li id="ref-2">Cole C, Dean D. A critique. Rheumatology 54(3):392-399. 2015.' in html
    assert 'href="https://doi.org/10.1093/rheumatology/keu471"' in html
    assert '[<a href="#ref-2">2</a>]' in html


def test_the_course_page_lists_each_work_once_with_scope_and_instructor(client, course):
    html = client.get(course.url).content.decode()
    bibliography = html.split('id="bibliography"')[1].split("</section>")[0]
    titles = bibliography.split("<li>")[1:]
    assert len(titles) == 5  # One, Two, Three, A critique, Zed: "One" is cited twice
    assert [t.split(".")[0] for t in titles] == [
        "Aaron Z",
        "Able A",
        "An Organisation",
        "Baker B",
        "Cole C, Dean D",
    ]
    assert "Scope of this course" in html
    assert "<b>Theory only.</b> No certification in the technique." in html
    assert "Content last reviewed</dt><dd>3 December 2026" in html
    assert "Robin Example, LMT" in html
    assert "Teaches pressure and referral." in html


def test_one_work_listed_two_ways_in_a_course_is_refused(catalog, tmp_path):
    folder = write_course(tmp_path / "t")
    second = SECOND.replace("title: One, source: J 1(1):1-2}", "title: One!, source: J 1(1):1-2}")
    (folder / "modules/02-trigger-points.md").write_text(textwrap.dedent(second).lstrip())
    (folder / "quizzes/02-trigger-points.yaml").write_text(yaml.safe_dump(SECOND_QUIZ))
    with pytest.raises(ContentSourceError, match="reference 'able-2001' differs from its listing"):
        load_course(folder)


def test_an_edited_citation_past_the_reference_list_is_refused():
    block = ModuleBodyBlock()
    data = [
        {"type": "text", "value": '<p>Cited <a href="#ref-3">3</a>.</p>'},
        {
            "type": "references",
            "value": [
                {
                    "type": "book",
                    "authors": "A",
                    "year": "2000",
                    "title": "T",
                    "source": "S",
                    "doi": "",
                    "url": "",
                },
            ],
        },
    ]
    with pytest.raises(ValidationError) as info:
        block.clean(block.to_python(data))
    assert "cites reference 3, but the References block lists 1" in str(
        info.value.non_block_errors
    )
    data[0]["value"] = '<p>Cited <a href="#ref-1">1</a>.</p>'
    block.clean(block.to_python(data))


def test_a_doi_that_is_not_a_doi_is_refused_in_the_admin():
    block = ModuleBodyBlock()
    data = [
        {
            "type": "references",
            "value": [
                {
                    "type": "journal",
                    "authors": "A",
                    "year": "2000",
                    "title": "T",
                    "source": "S",
                    "doi": "https://doi.org/10.1/x",
                    "url": "",
                },
            ],
        },
    ]
    with pytest.raises(ValidationError):
        block.clean(block.to_python(data))


def test_the_module_quiz_source_keeps_its_objective_mapping(course):
    assert QUIZ["questions"][0]["objective"] in MODULE
