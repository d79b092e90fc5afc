"""Property tests for scoring, on plain snapshot data."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from quizzes.scoring import score_attempt, score_question


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(["single", "multiple", "true_false"]))
    size = 2 if kind == "true_false" else draw(st.integers(2, 6))
    if kind == "multiple":
        correct = set(draw(st.sets(st.integers(0, size - 1), min_size=2, max_size=size)))
    else:
        correct = {draw(st.integers(0, size - 1))}
    qid = str(draw(st.integers(1, 10**6)))
    choices = [{"id": f"{qid}-{n}", "text": str(n), "correct": n in correct} for n in range(size)]
    return {"id": qid, "kind": kind, "prompt": "?", "explanation": "!", "choices": choices}


@st.composite
def snapshots_and_answers(draw):
    qs = draw(st.lists(questions(), min_size=1, max_size=8, unique_by=lambda q: q["id"]))
    answers = {}
    for q in qs:
        ids = [c["id"] for c in q["choices"]]
        picked = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
        if q["kind"] != "multiple":
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
    percent = score_attempt(snapshot, answers).percent
    assert Decimal(0) <= percent <= Decimal(100)


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


@given(questions())
def test_multiple_select_partial_credit_rule(question):
    if question["kind"] != "multiple":
        return
    right = [c["id"] for c in question["choices"] if c["correct"]]
    wrong = [c["id"] for c in question["choices"] if not c["correct"]]
    n = len(right)
    assert score_question(question, right[:1]).points == Decimal(1) / n
    if wrong:
        # A wrong pick cancels a right one; the score never goes below zero.
        assert score_question(question, right[:1] + wrong[:1]).points == 0
        assert score_question(question, wrong).points == 0
    assert score_question(question, right).points == 1
    assert score_question(question, []).points == 0


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
