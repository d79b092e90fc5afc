from collections import Counter

from django.conf import settings
from django.urls import reverse

import pytest

from courses.content_import import import_all
from courses.content_source import load_all_courses
from courses.models import ModulePage
from quizzes.models import Question, Quiz
from quizzes.validation import question_problems, quiz_problems


@pytest.mark.parametrize(
    ("kind", "choices", "problem"),
    [
        ("single", [("A", False), ("B", False)], "has none"),
        ("single", [("A", True), ("B", True)], "exactly one correct"),
        ("multiple", [("A", True), ("B", False)], "two or more correct"),
        ("single", [("A", True)], "at least two choices"),
        ("single", [("A", True), ("a", False)], "same text"),
        ("true_false", [("True", True), ("False", True)], "exactly one of them correct"),
        ("single", [("A", True), ("  ", False)], "needs text"),
    ],
)
def test_question_mistakes_are_named(kind, choices, problem):
    assert any(problem in p for p in question_problems(kind, choices))


def test_good_questions_have_no_problems():
    assert question_problems("single", [("A", True), ("B", False)]) == []
    assert question_problems("multiple", [("A", True), ("B", True), ("C", False)]) == []
    assert question_problems("true_false", [("True", False), ("False", True)]) == []


def test_pool_smaller_than_draw():
    assert "only 3" in quiz_problems(3, 5)[0]
    assert quiz_problems(0, None) == ["Add at least one question."]
    assert quiz_problems(5, 5) == []


def test_demo_quizzes_are_imported_once(catalog):
    import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    assert Quiz.objects.filter(module__isnull=False).count() == 11
    exam = Quiz.objects.get(course__isnull=False)
    # The final exam has its own bank, drawn two per module; no item of it is in a module quiz.
    assert exam.draw_per_section == 2 and exam.draw_count is None
    assert exam.review_after_submit == Quiz.REVIEW_SCORE
    sections = Counter(exam.questions.values_list("section", flat=True))
    modules = set(ModulePage.objects.values_list("slug", flat=True))
    assert set(sections) == modules and min(sections.values()) >= 3
    assert all(q.objective for q in exam.questions.all())
    module_prompts = set(
        Question.objects.filter(quiz__module__isnull=False).values_list("prompt", flat=True)
    )
    assert not module_prompts & set(exam.questions.values_list("prompt", flat=True))
    assert all(q.explanation for q in Question.objects.all())
    ids = set(Question.objects.values_list("id", flat=True))
    import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    assert set(Question.objects.values_list("id", flat=True)) == ids


def _quiz_form_data(module_id, questions):
    data = {
        "title": "Ischemia check",
        "module": str(module_id),
        "course": "",
        "pass_mark": "70",
        "max_attempts": "3",
        "retry_delay_minutes": "0",
        "time_limit_minutes": "",
        "shuffle_questions": "on",
        "draw_count": "",
        "review_after_submit": "marks",
        "explanations_after_pass": "on",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for n, (kind, choices) in enumerate(questions):
        prefix = f"questions-{n}"
        data.update(
            {
                f"{prefix}-kind": kind,
                f"{prefix}-prompt": f"Prompt {n}?",
                f"{prefix}-explanation": "Because.",
                f"{prefix}-ORDER": str(n + 1),
                f"{prefix}-choices-TOTAL_FORMS": str(len(choices)),
                f"{prefix}-choices-INITIAL_FORMS": "0",
                f"{prefix}-choices-MIN_NUM_FORMS": "2",
                f"{prefix}-choices-MAX_NUM_FORMS": "1000",
            }
        )
        for m, (text, correct) in enumerate(choices):
            data[f"{prefix}-choices-{m}-text"] = text
            data[f"{prefix}-choices-{m}-ORDER"] = str(m + 1)
            if correct:
                data[f"{prefix}-choices-{m}-is_correct"] = "on"
    return data


def test_admin_refuses_a_question_without_a_correct_choice(client, admin_user, course):
    from courses.models import ModulePage

    module = ModulePage.objects.child_of(course).first()
    client.force_login(admin_user)
    url = reverse(Quiz.snippet_viewset.get_url_name("add"))
    assert client.get(url).status_code == 200
    bad = _quiz_form_data(module.id, [("single", [("A", False), ("B", False)])])
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "this question has none" in response.text
    assert not Quiz.objects.exists()

    good = _quiz_form_data(module.id, [("single", [("A", True), ("B", False)])])
    good["action-publish"] = "action-publish"  # an administrator publishes at once
    response = client.post(url, good)
    assert response.status_code == 302, response.text[:3000]
    quiz = Quiz.objects.get()
    assert quiz.live and quiz.live_revision_id
    assert quiz.questions.get().choices.filter(is_correct=True).count() == 1


def test_admin_refuses_a_draw_larger_than_the_pool(client, admin_user, course):
    from courses.models import ModulePage

    module = ModulePage.objects.child_of(course).first()
    client.force_login(admin_user)
    data = _quiz_form_data(module.id, [("single", [("A", True), ("B", False)])])
    data["draw_count"] = "5"
    response = client.post(reverse(Quiz.snippet_viewset.get_url_name("add")), data)
    assert "pool has only 1" in response.text
    assert not Quiz.objects.exists()


def test_admin_refuses_a_final_exam_item_that_a_module_quiz_reveals(client, admin_user, course):
    from courses.models import ModulePage
    from tests.quizzes.conftest import make_quiz

    module = ModulePage.objects.child_of(course).first()
    make_quiz(module=module, questions=2)  # prompts "Question 0?" and "Question 1?"
    client.force_login(admin_user)
    data = _quiz_form_data(module.id, [("single", [("A", True), ("B", False)])])
    data.update({"module": "", "course": str(course.id), "questions-0-prompt": "question  1?"})
    data["action-publish"] = "action-publish"
    response = client.post(reverse(Quiz.snippet_viewset.get_url_name("add")), data)
    assert response.status_code == 200
    assert "is also a question of a module quiz of this course" in response.text
    assert not Quiz.objects.filter(course=course).exists()
    data["questions-0-prompt"] = "A client presents with a new question?"
    assert client.post(reverse(Quiz.snippet_viewset.get_url_name("add")), data).status_code == 302
    assert Quiz.objects.filter(course=course, live=True).exists()
