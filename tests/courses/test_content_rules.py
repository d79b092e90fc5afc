"""The rules content/README.md sets for references, objectives and quiz items, as the importer
enforces them: a course that keeps them loads; each planted breach is refused by name."""

import shutil
from pathlib import Path

from django.conf import settings

import pytest
import yaml

from courses.content_source import ContentSourceError, cite, load_course, objective_problem
from tests.courses.sources import CITED, FLOW, MODULE, QUIZ, REFER, REFERENCES, write_course


def quiz_with(number, **changes):
    quiz = yaml.safe_load(yaml.safe_dump(QUIZ))
    quiz["questions"][number].update(changes)
    return quiz


def test_a_course_that_keeps_the_rules_loads(tmp_path):
    course = load_course(write_course(tmp_path))
    [module] = course.modules
    assert [r.id for r in module.references] == ["able-2001", "baker-2002", "org-2003"]
    assert module.cited_ids == ["able-2001", "baker-2002", "org-2003", "able-2001"]
    assert {q.objective for q in module.questions} == {FLOW, REFER}


def test_citations_become_numbered_links_to_the_reference_list():
    numbers = {"able-2001": 1, "baker-2002": 2, "org-2003": 3}
    assert cite("Held [@baker-2002]; both [@able-2001; @org-2003].", numbers) == (
        r"Held \[[2](#ref-2)\]; both \[[1](#ref-1), [3](#ref-3)\]."
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (CITED, "No citations here.", "never cites: able-2001|never cites: baker-2002"),
        ("[@able-2001].", "[@nobody-1999].", "cites unknown reference"),
        ("type: journal", "type: blog", "'type' must be one of"),
        ("year: 2001", "year: 'recent'", "four-digit year"),
        ("url: https://example.org/three", "url: example.org/three", "'url' must look like"),
        ("source: J 1(1):1-2}", "source: J 1(1):1-2, doi: 'https://doi.org/10.1/x'}", "'doi'"),
        ("authors: Able A, ", "", "needs a non-empty 'authors'"),
        ("id: baker-2002", "id: able-2001", "share an id"),
        (
            "  - Identify when to refer.",
            "  - Understand when to refer.",
            "starts with 'understand'",
        ),
        ("  - Identify when to refer.", "  - Apply pressure safely.", "starts with 'apply'"),
    ],
)
def test_reference_and_objective_breaches_are_refused(tmp_path, old, new, message):
    module = MODULE.replace(old, new)
    assert module != MODULE, old
    with pytest.raises(ContentSourceError, match=message) as info:
        load_course(write_course(tmp_path, module))
    assert "01-ischemia.md" in str(info.value)


def test_a_standard_text_is_enough_without_a_journal_article(tmp_path):
    load_course(write_course(tmp_path, MODULE.replace("type: journal", "type: web")))


def test_a_module_without_a_journal_article_or_book_is_refused(tmp_path):
    module = MODULE.replace("type: journal", "type: web").replace("type: book", "type: guideline")
    with pytest.raises(ContentSourceError, match="journal \\(peer-reviewed\\) or book"):
        load_course(write_course(tmp_path, module))


def test_fewer_than_three_references_are_refused(tmp_path):
    module = (
        MODULE.replace(REFERENCES.split("  - id: org-2003")[1], "")
        .replace("  - id: org-2003", "")
        .replace(" and elsewhere [@org-2003]", "")
    )
    with pytest.raises(ContentSourceError, match="at least 3 references \\(has 2\\)"):
        load_course(write_course(tmp_path, module))


@pytest.mark.parametrize(
    ("number", "changes", "message"),
    [
        (0, {"prompt": "In this module, what does a held contraction do?"}, "says 'module'"),
        (0, {"prompt": "What does the text say a held contraction does?"}, "says 'the text'"),
        (
            1,
            {
                "choices": [
                    {"text": "As the lesson says", "correct": True},
                    {"text": "Chest pain", "correct": True},
                    {"text": "Ease"},
                ]
            },
            "says 'lesson'",
        ),
        (2, {"prompt": "A swollen calf should always be referred."}, "must not say 'always'"),
        (2, {"prompt": "Massage never helps a swollen calf."}, "must not say 'never'"),
        (2, {"prompt": "Only a swollen calf calls for referral."}, "must not say 'Only'"),
        (0, {"objective": ""}, "needs an 'objective'"),
        (0, {"objective": "Explain something else."}, "not one of its module's objectives"),
        (
            0,
            {
                "choices": [
                    {"text": "It raises it a great deal", "correct": True},
                    {"text": "It lowers it"},
                    {"text": "No change"},
                ]
            },
            "unique longest option in 1 of 1",
        ),
    ],
)
def test_question_rule_breaches_are_refused(tmp_path, number, changes, message):
    with pytest.raises(ContentSourceError, match=message) as info:
        load_course(write_course(tmp_path, quiz=quiz_with(number, **changes)))
    assert "01-ischemia.yaml" in str(info.value)


def test_a_key_as_long_as_a_distractor_is_no_length_cue(tmp_path):
    choices = [{"text": "Raised", "correct": True}, {"text": "Halved"}, {"text": "Gone"}]
    load_course(write_course(tmp_path, quiz=quiz_with(0, choices=choices)))


def test_an_objective_no_item_tests_is_refused(tmp_path):
    quiz = yaml.safe_load(yaml.safe_dump(QUIZ))
    for question in quiz["questions"]:
        question["objective"] = REFER
    with pytest.raises(ContentSourceError, match="tested by none of the quiz items"):
        load_course(write_course(tmp_path, quiz=quiz))


def test_a_prompt_asked_twice_is_refused(tmp_path):
    quiz = yaml.safe_load(yaml.safe_dump(QUIZ))
    quiz["questions"].append(dict(quiz["questions"][2]))
    with pytest.raises(ContentSourceError, match="asked twice"):
        load_course(write_course(tmp_path, quiz=quiz))


def test_every_problem_is_reported_at_once(tmp_path):
    quiz = quiz_with(0, objective="", prompt="Which module covers pressure?")
    with pytest.raises(ContentSourceError) as info:
        load_course(write_course(tmp_path, quiz=quiz))
    assert "says 'module'" in str(info.value)
    assert "needs an 'objective'" in str(info.value)


@pytest.mark.parametrize(
    ("objective", "fine"),
    [
        ("Identify red flags.", True),
        ("Distinguish A from B.", True),
        ("Select a pressure.", True),
        ("Recognise signs.", True),
        ("Use a scale.", False),
        ("Perform a hold.", False),
        ("Know the signs.", False),
        ("", False),
    ],
)
def test_objectives_start_with_a_verb_a_home_study_test_can_measure(objective, fine):
    assert (objective_problem(objective) is None) is fine


# --- the demo course ------------------------------------------------------------------------

DEMO = Path(settings.CONTENT_SOURCE_DIR) / "nmt-foundations"


@pytest.fixture
def demo_copy(tmp_path):
    return Path(shutil.copytree(DEMO, tmp_path / "nmt-foundations"))


def test_the_demo_course_keeps_every_rule():
    course = load_course(DEMO)
    for module in course.modules:
        assert len(module.references) >= 3, module.slug
        assert {q.objective for q in module.questions} >= set(module.objectives), module.slug


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda q: q.update(prompt="According to this module, " + q["prompt"]), "says 'module'"),
        (lambda q: q.update(objective="Apply pressure."), "not one of its module's objectives"),
    ],
)
def test_a_planted_bad_item_in_the_demo_is_refused(demo_copy, change, message):
    path = demo_copy / "quizzes" / "05-ischemia.yaml"
    quiz = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(quiz["questions"][0])
    path.write_text(yaml.safe_dump(quiz, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentSourceError, match=message) as info:
        load_course(demo_copy)
    assert "05-ischemia.yaml: question 1" in str(info.value)


def test_a_planted_giveaway_true_false_item_in_the_demo_is_refused(demo_copy):
    path = demo_copy / "quizzes" / "09-pain-threshold.yaml"
    quiz = yaml.safe_load(path.read_text(encoding="utf-8"))
    quiz["questions"].append(
        {
            "kind": "true_false",
            "objective": quiz["questions"][0]["objective"],
            "prompt": "Pressure should always stay below 5 out of 10.",
            "answer": False,
            "explanation": "It depends on the client.",
        }
    )
    path.write_text(yaml.safe_dump(quiz, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentSourceError, match="must not say 'always'"):
        load_course(demo_copy)


def test_a_planted_length_cued_bank_in_the_demo_is_refused(demo_copy):
    path = demo_copy / "quizzes" / "final-exam.yaml"
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    for question in bank["questions"]:
        if question["kind"] == "single":
            for choice in question["choices"]:
                if choice.get("correct"):
                    choice["text"] += " (the full and careful answer, with every caveat)"
    path.write_text(yaml.safe_dump(bank, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentSourceError, match="final-exam.yaml: the key is the unique longest"):
        load_course(demo_copy)
