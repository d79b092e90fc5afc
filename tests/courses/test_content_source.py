"""The demo course sources and the rules the parser enforces on any course source."""

import textwrap
from pathlib import Path

from django.conf import settings

import pytest

from courses.ce_hours import count_words
from courses.content_source import (
    PRINCIPLE_SLUGS,
    CalloutSegment,
    ContentSourceError,
    load_course,
    parse_module,
    parse_quiz,
)
from tests.courses.sources import CITED, COURSE, REFERENCES

DEMO = Path(settings.CONTENT_SOURCE_DIR) / "nmt-foundations"


@pytest.fixture(scope="module")
def demo():
    return load_course(DEMO)


def body_words(module):
    return sum(count_words(segment.markdown) for segment in module.segments)


def test_demo_course_has_the_intro_and_one_module_per_principle(demo):
    assert len(demo.modules) == 11
    assert demo.modules[0].slug == "what-is-nmt"
    assert demo.modules[0].principles == []
    taught = sorted(p for module in demo.modules[1:] for p in module.principles)
    assert taught == sorted(PRINCIPLE_SLUGS)


@pytest.mark.parametrize("index", range(11))
def test_each_demo_module_is_complete(demo, index):
    module = demo.modules[index]
    assert 600 <= body_words(module) <= 1400, module.slug
    assert 3 <= len(module.objectives) <= 5
    assert any(isinstance(s, CalloutSegment) for s in module.segments)
    assert len(set(module.related)) >= 2
    assert set(module.linked_slugs) >= set(module.related)
    assert len(module.questions) >= 5
    assert {q.kind for q in module.questions} == {"single", "multiple", "true_false"}
    assert all(q.explanation for q in module.questions)
    # Headings in the body start at h2: the page title is the only h1.
    assert not any(
        line.startswith("# ") for s in module.segments for line in s.markdown.splitlines()
    )


def test_demo_modules_warn_where_pressure_carries_risk(demo):
    kinds = {
        module.slug: {s.kind for s in module.segments if isinstance(s, CalloutSegment)}
        for module in demo.modules
    }
    for slug in ("ischemia", "trigger-points", "nerve-entrapment", "nerve-compression"):
        assert "contraindication" in kinds[slug], slug


def test_demo_course_facts(demo):
    assert demo.course_type == "home_study"
    assert demo.ce_hours > 0
    assert demo.approved_title


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


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

::: contraindication Careful
Not over varicose veins.
:::
"""


def test_module_segments_split_text_and_callouts(tmp_path):
    module = parse_module(write(tmp_path, "01-ischemia.md", MODULE))
    assert [type(s).__name__ for s in module.segments] == ["TextSegment", "CalloutSegment"]
    assert module.segments[1].title == "Careful"
    assert module.order == 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("::: contraindication Careful", "::: warning Careful", "unknown callout kind"),
        ("Not over varicose veins.\n:::", "Not over varicose veins.", "not closed"),
        ("principles: [ischemia]", "principles: [qi-flow]", "unknown principle"),
        ("estimated_minutes: 3", "estimated_minutes: soon", "estimated_minutes"),
        ("slug: ischemia", "slug: Ischemia Page", "lowercase"),
        ("---\ntitle", "title", "front matter"),
        ("summary: Blood flow.", "summary: [unclosed", "not valid YAML"),
        ("Some **text**.", "<!-- FIGURE: here -->", "raw HTML"),
    ],
)
def test_bad_module_files_are_refused_with_the_reason(tmp_path, old, new, message):
    text = textwrap.dedent(MODULE).lstrip().replace(old, new)
    path = tmp_path / "01-ischemia.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentSourceError, match=message) as info:
        parse_module(path)
    assert "01-ischemia.md" in str(info.value)


QUIZ = """
module: ischemia
questions:
  - kind: single
    prompt: Which?
    choices:
      - {text: "A", correct: true}
      - {text: "B"}
    explanation: Because.
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('{text: "B"}', '{text: "B", correct: true}', "exactly one correct"),
        ("kind: single", "kind: multiple", "two or more correct"),
        ("kind: single", "kind: essay", "'kind' must be one of"),
        ("    explanation: Because.\n", "", "no explanation"),
        ('{text: "B"}', '{text: "A"}', "repeats a choice"),
        ('{text: "B"}', "{text: B, c, correct: false}", "unexpected key"),
    ],
)
def test_bad_questions_are_refused_with_the_reason(tmp_path, old, new, message):
    path = tmp_path / "q.yaml"
    path.write_text(textwrap.dedent(QUIZ).lstrip().replace(old, new), encoding="utf-8")
    with pytest.raises(ContentSourceError, match=message):
        parse_quiz(path)


def test_true_false_questions_get_two_choices(tmp_path):
    path = write(
        tmp_path,
        "q.yaml",
        """
        module: ischemia
        questions:
          - kind: true_false
            prompt: Ischemia means reduced blood flow.
            answer: true
            explanation: That is the definition.
        """,
    )
    _, [question] = parse_quiz(path)
    assert [(c.text, c.correct) for c in question.choices] == [("True", True), ("False", False)]


def test_links_to_unknown_modules_are_refused(tmp_path):
    course = tmp_path / "c"
    write(course, "course.yaml", COURSE)
    write(course, "modules/01-ischemia.md", MODULE.replace("Some **text**", "[x](module:nope)"))
    with pytest.raises(ContentSourceError, match="unknown module 'nope'"):
        load_course(course)
