"""Scoring on plain snapshot data: property tests for every kind of question, and examples.

Every property runs once per kind (single, multiple, true_false), so none can pass by
never meeting a kind. Questions are valid as validation defines them: single choice and
true/false have exactly one correct choice; multiple select has two or more, and any number
of wrong choices, none included.
"""

from decimal import Decimal
from fractions import Fraction

from django.template.loader import render_to_string
from django.utils.html import strip_tags

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.models import Quiz
from quizzes.scoring import (
    MULTIPLE,
    SINGLE,
    TRUE_FALSE,
    passes,
    score_attempt,
    score_question,
)

KINDS = [SINGLE, MULTIPLE, TRUE_FALSE]


@st.composite
def questions(draw, kind=None):
    """A valid question of `kind` (any kind when None), its choices in any order."""
    kind = kind or draw(st.sampled_from(KINDS))
    if kind == MULTIPLE:
        flags = [True] * draw(st.integers(2, 6)) + [False] * draw(st.integers(0, 6))
    elif kind == SINGLE:
        flags = [True] + [False] * draw(st.integers(1, 5))
    else:
        flags = [True, False]
    flags = draw(st.permutations(flags))
    qid = str(draw(st.integers(1, 10**6)))
    choices = [
        {"id": f"{qid}-{n}", "text": str(n), "correct": correct} for n, correct in enumerate(flags)
    ]
    return {"id": qid, "kind": kind, "prompt": "?", "explanation": "!", "choices": choices}


def right_and_wrong(question):
    right = {c["id"] for c in question["choices"] if c["correct"]}
    wrong = {c["id"] for c in question["choices"] if not c["correct"]}
    return right, wrong


def selections(question):
    """Any subset of the question's choices (more than one even for single choice: scoring
    must hold for whatever it is given, though clean_answers refuses that)."""
    ids = sorted(c["id"] for c in question["choices"])
    return st.sets(st.sampled_from(ids))


def points(question, selected):
    return score_question(question, selected).points


def expected_points(question, selected):
    """The rule, exactly, with fractions."""
    right, wrong = right_and_wrong(question)
    if question["kind"] == MULTIPLE:
        gain = Fraction(len(selected & right), len(right))
        cost = Fraction(len(selected & wrong), len(wrong)) if wrong else Fraction(0)
        return max(Fraction(0), gain - cost)
    return Fraction(1) if selected == right else Fraction(0)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_points_follow_the_rule_exactly(kind, data):
    question = data.draw(questions(kind))
    selected = data.draw(selections(question))
    exact = expected_points(question, selected)
    assert points(question, selected) == Decimal(exact.numerator) / exact.denominator
    assert Decimal(0) <= points(question, selected) <= Decimal(1)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_selecting_none_scores_zero(kind, data):
    question = data.draw(questions(kind))
    assert points(question, set()) == 0
    assert points(question, None) == 0


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_selecting_every_option_scores_zero_unless_every_option_is_right(kind, data):
    question = data.draw(questions(kind))
    right, wrong = right_and_wrong(question)
    everything = right | wrong
    # With a wrong choice among them, ticking everything earns nothing; a multiple select
    # with no wrong choice at all has everything as its exact set.
    assert points(question, everything) == (0 if wrong else 1)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_the_exact_set_scores_one(kind, data):
    question = data.draw(questions(kind))
    right, _ = right_and_wrong(question)
    result = score_question(question, right)
    assert result.points == 1 and result.correct


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_anything_but_the_exact_set_scores_less_than_one(kind, data):
    question = data.draw(questions(kind))
    selected = data.draw(selections(question))
    right, _ = right_and_wrong(question)
    result = score_question(question, selected)
    assert (result.points == 1) == (selected == right) == result.correct


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_adding_a_wrong_choice_never_raises_the_score(kind, data):
    question = data.draw(questions(kind))
    selected = data.draw(selections(question))
    _, wrong = right_and_wrong(question)
    before = points(question, selected)
    for choice in wrong - selected:
        after = points(question, selected | {choice})
        assert after <= before
        if before > 0:
            assert after < before  # a wrong choice always costs something


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_adding_a_right_choice_never_lowers_the_score(kind, data):
    question = data.draw(questions(kind))
    selected = data.draw(selections(question))
    right, _ = right_and_wrong(question)
    before = points(question, selected)
    for choice in right - selected:
        assert points(question, selected | {choice}) >= before


@st.composite
def snapshots_and_answers(draw):
    qs = draw(st.lists(questions(), min_size=1, max_size=8, unique_by=lambda q: q["id"]))
    answers = {}
    for q in qs:
        ids = [c["id"] for c in q["choices"]]
        picked = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
        if q["kind"] != MULTIPLE:
            picked = picked[:1]
        if picked or draw(st.booleans()):
            answers[q["id"]] = picked
    return {"questions": qs, "pass_mark": 70}, answers


def all_right(snapshot):
    return {
        q["id"]: [c["id"] for c in q["choices"] if c["correct"]] for q in snapshot["questions"]
    }


@given(snapshots_and_answers())
def test_score_is_a_percentage(case):
    snapshot, answers = case
    result = score_attempt(snapshot, answers)
    assert Decimal(0) <= result.percent <= Decimal(100)
    assert all(Decimal(0) <= q.points <= Decimal(1) for q in result.questions)


@given(snapshots_and_answers())
def test_full_marks_exactly_when_every_answer_is_right(case):
    snapshot, answers = case
    result = score_attempt(snapshot, answers)
    every_right = all(
        set(answers.get(q["id"], [])) == {c["id"] for c in q["choices"] if c["correct"]}
        for q in snapshot["questions"]
    )
    assert (result.percent == 100) == every_right
    assert score_attempt(snapshot, all_right(snapshot)).percent == 100


@given(snapshots_and_answers(), st.randoms(use_true_random=False))
def test_order_of_questions_and_choices_does_not_change_the_score(case, rng):
    snapshot, answers = case
    shuffled = [
        dict(q, choices=rng.sample(q["choices"], len(q["choices"]))) for q in snapshot["questions"]
    ]
    rng.shuffle(shuffled)
    reordered = {"questions": shuffled, "pass_mark": 70}
    assert score_attempt(reordered, answers).percent == score_attempt(snapshot, answers).percent


def multiple(right, wrong):
    """A multiple-select question with `right` correct choices r0.. and `wrong` wrong w0.."""
    choices = [{"id": f"r{n}", "correct": True} for n in range(right)]
    choices += [{"id": f"w{n}", "correct": False} for n in range(wrong)]
    return {"id": "q", "kind": MULTIPLE, "choices": choices}


@pytest.mark.parametrize(
    "right, wrong, selected, expected",
    [
        # Ticking every option earns nothing (the old rule gave 3/4 and 2/3 here).
        (4, 1, {"r0", "r1", "r2", "r3", "w0"}, Decimal(0)),
        (3, 1, {"r0", "r1", "r2", "w0"}, Decimal(0)),
        # 2 of 3 right choices and 1 of 2 wrong ones: 2/3 - 1/2 = 1/6.
        (3, 2, {"r0", "r1", "w0"}, Decimal(1) / 6),
        (3, 2, {"r0", "r1", "r2"}, Decimal(1)),
        (3, 2, {"r0"}, Decimal(1) / 3),
        (3, 2, {"r0", "w0", "w1"}, Decimal(0)),  # 1/3 - 1: floored at zero
        (3, 2, set(), Decimal(0)),
        # No wrong choices: the share of a right choice only; all of them is the exact set.
        (3, 0, {"r0", "r1"}, Decimal(2) / 3),
        (3, 0, {"r0", "r1", "r2"}, Decimal(1)),
    ],
)
def test_multiple_select_examples(right, wrong, selected, expected):
    assert points(multiple(right, wrong), selected) == expected


def test_single_choice_and_true_false_score_only_the_right_choice():
    single = {
        "id": "s",
        "kind": SINGLE,
        "choices": [{"id": "a", "correct": False}, {"id": "b", "correct": True}],
    }
    assert points(single, {"b"}) == 1
    assert points(single, {"a"}) == 0
    assert points(single, {"a", "b"}) == 0
    true_false = dict(single, id="t", kind=TRUE_FALSE)
    assert points(true_false, {"b"}) == 1 and points(true_false, {"a"}) == 0


def test_an_attempt_with_partial_credit():
    snapshot = {"pass_mark": 70, "questions": [multiple(3, 2), dict(multiple(4, 1), id="p")]}
    # 1/6 + 0 over two questions: 8.333...% rounds to 8.33.
    result = score_attempt(
        snapshot, {"q": ["r0", "r1", "w0"], "p": ["r0", "r1", "r2", "r3", "w0"]}
    )
    assert [q.points for q in result.questions] == [Decimal(1) / 6, Decimal(0)]
    assert result.percent == Decimal("8.33")


def test_unanswered_questions_score_zero():
    snapshot = {
        "pass_mark": 70,
        "questions": [
            {
                "id": "1",
                "kind": "single",
                "choices": [{"id": "a", "correct": True}, {"id": "b", "correct": False}],
            },
            {
                "id": "2",
                "kind": "true_false",
                "choices": [{"id": "t", "correct": False}, {"id": "f", "correct": True}],
            },
        ],
    }
    assert score_attempt(snapshot, {"1": ["a"]}).percent == Decimal("50.00")


@pytest.mark.parametrize("pass_mark", [70, 85])
def test_learners_are_told_the_rule_and_the_pass_mark(pass_mark):
    html = render_to_string(
        "quizzes/includes/scoring_rule.html", {"quiz": Quiz(pass_mark=pass_mark)}
    )
    text = " ".join(strip_tags(html).split())
    assert html.strip().startswith("<p") and html.strip().endswith("</p>")
    assert (
        "single-choice or true/false question earns its point only when you choose the right"
        in text
    )
    assert "“select all that apply” question" in text
    assert "each right choice you tick earns an equal share" in text
    assert "each wrong choice you tick takes away an equal share" in text
    assert "never scores below zero, so ticking every option scores nothing" in text
    assert f"You pass with {pass_mark}% or more." in text


@pytest.mark.parametrize(
    ("right", "of", "pass_mark", "passed"),
    [(3, 4, 75, True), (2, 3, 67, False), (2, 3, 66, True), (0, 1, 0, True), (9, 10, 100, False)],
)
def test_the_pass_rule_compares_the_rounded_percentage(right, of, pass_mark, passed):
    """2 of 3 is 66.67 %: it passes a 66 % quiz, not a 67 % one."""
    snapshot = {
        "questions": [
            {
                "id": n,
                "kind": TRUE_FALSE,
                "choices": [{"id": 1, "correct": True}, {"id": 2, "correct": False}],
            }
            for n in range(of)
        ]
    }
    answers = {n: [1] for n in range(right)}
    assert passes(score_attempt(snapshot, answers), pass_mark) is passed
