"""An exam that is not the module quizzes: a blueprint draw per section, a bank of its own,
and a review that names missed objectives, never keyed answers, until the exam is passed."""

import random
import shutil
from collections import Counter

from django.conf import settings
from django.urls import reverse

import pytest
import yaml

from courses.content_source import ContentSourceError, load_course
from quizzes.attempts import draw_questions, questions_served, start_attempt, submit
from quizzes.models import Question, Quiz
from quizzes.review import missed_objectives
from tests.quizzes.conftest import make_quiz, read_all, right_answers, wrong_answers

DEMO = settings.CONTENT_SOURCE_DIR / "nmt-foundations"


@pytest.fixture
def exam(course):
    """A final exam of nine questions in three sections, two drawn from each."""
    quiz = make_quiz(
        course=course,
        questions=9,
        prompt="Exam question {n}?",
        draw_per_section=2,
        review_after_submit=Quiz.REVIEW_SCORE,
        max_attempts=3,
        pass_mark=90,
    )
    for question in quiz.questions.all():
        n = question.sort_order
        question.section = f"module-{n % 3}"
        question.objective = f"Objective of module {n % 3}"
        question.save()
    return quiz


def test_every_draw_covers_every_section(exam):
    pool = list(exam.questions.order_by("sort_order"))
    for seed in range(40):
        drawn = draw_questions(exam, pool, random.Random(seed))
        assert Counter(q.section for q in drawn) == {"module-0": 2, "module-1": 2, "module-2": 2}
    assert questions_served(exam) == 6


def test_a_short_section_gives_what_it_has(exam):
    exam.questions.filter(section="module-2").exclude(sort_order=2).delete()
    pool = list(exam.questions.order_by("sort_order"))
    drawn = draw_questions(exam, pool, random.Random(1))
    assert Counter(q.section for q in drawn) == {"module-0": 2, "module-1": 2, "module-2": 1}
    assert questions_served(exam) == 5


def test_final_exam_review_names_objectives_not_answers_until_passed(
    client, learner, enrollment, exam
):
    read_all(enrollment)
    client.force_login(learner)
    failed = start_attempt(learner, exam)
    answers = right_answers(failed)
    missed_id = failed.snapshot["questions"][0]["id"]
    answers[missed_id] = wrong_answers(failed)[missed_id]
    submit(failed, answers)
    assert not failed.passed  # 5 of 6: 83.33 %, under the pass mark of 90
    page = client.get(reverse("quizzes:result", args=[failed.pk])).text
    assert "Objectives to revisit" in page
    missed = failed.snapshot["questions"][0]["objective"]
    assert missed in page
    assert page.count("Objective of module") == 1  # only the missed one
    assert "(correct answer)" not in page and "Because" not in page

    passed = start_attempt(learner, exam)
    submit(passed, right_answers(passed))
    page = client.get(reverse("quizzes:result", args=[passed.pk])).text
    assert "(correct answer)" in page and "Objectives to revisit" not in page
    # Once passed, the earlier attempt's review may show its answers too.
    assert missed_objectives(exam, failed, passed_quiz=True) == []


def test_module_quiz_items_are_never_the_exam_items(catalog):
    from courses.content_import import import_all
    from courses.content_source import load_all_courses

    import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    exam = Quiz.objects.get(course__isnull=False)
    exam_prompts = set(exam.questions.values_list("prompt", flat=True))
    module_prompts = set(
        Question.objects.filter(quiz__module__isnull=False).values_list("prompt", flat=True)
    )
    assert len(exam_prompts) >= 33 and not exam_prompts & module_prompts


def _bank(folder):
    path = folder / "quizzes" / "final-exam.yaml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def demo_copy(tmp_path):
    folder = tmp_path / "nmt-foundations"
    shutil.copytree(DEMO, folder)
    return folder


def test_demo_bank_loads_with_three_items_per_module(demo_copy):
    source = load_course(demo_copy)
    sections = Counter(q.section for q in source.final_exam)
    assert set(sections) == {m.slug for m in source.modules}
    assert min(sections.values()) >= 3 and source.final_exam_draw_per_section == 2
    assert all(q.reference and q.objective for q in source.final_exam)


@pytest.mark.parametrize(
    ("plant", "message"),
    [
        ("copy a module quiz prompt", "repeats a module quiz question"),
        ("unknown section", "'section' must be the slug of a module"),
        ("objective not in the module", "not one of its module's objectives"),
        ("no reference", "needs a 'reference'"),
        ("too few in a section", "needs more than 2 items"),
    ],
)
def test_importer_refuses_a_planted_bad_bank_item(demo_copy, plant, message):
    path, bank = _bank(demo_copy)
    item = bank["questions"][0]
    if plant == "copy a module quiz prompt":
        module_quiz = yaml.safe_load(
            next((demo_copy / "quizzes").glob("01-*.yaml")).read_text(encoding="utf-8")
        )
        item["prompt"] = module_quiz["questions"][0]["prompt"].upper()
    elif plant == "unknown section":
        item["section"] = "no-such-module"
    elif plant == "objective not in the module":
        item["objective"] = "Recite the whole course from memory."
    elif plant == "no reference":
        item["reference"] = ""
    else:
        bank["questions"] = [q for q in bank["questions"] if q["section"] == item["section"]][:2]
    path.write_text(yaml.safe_dump(bank, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentSourceError, match=message):
        load_course(demo_copy)
