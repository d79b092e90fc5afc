import csv
import io
from types import SimpleNamespace

from django.urls import reverse

import pytest

from courses.enrollment import enroll
from quizzes.attempts import start_attempt, submit
from quizzes.models import CourseEvaluation
from quizzes.statistics import quiz_statistics
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, right_answers, wrong_answers


def attempt(answers_right):
    """A plain attempt over two single-choice questions, a and b."""
    questions = [
        {
            "id": qid,
            "kind": "single",
            "prompt": qid.upper(),
            "choices": [{"id": f"{qid}1", "correct": True}, {"id": f"{qid}2", "correct": False}],
        }
        for qid in ("a", "b")
    ]
    answers = {qid: [f"{qid}1" if right else f"{qid}2"] for qid, right in answers_right.items()}
    score = 50 * sum(answers_right.values())
    return SimpleNamespace(
        snapshot={"questions": questions, "pass_mark": 50},
        answers=answers,
        score=score,
        passed=score >= 50,
    )


def test_statistics_by_hand():
    attempts = [
        attempt({"a": True, "b": True}),
        attempt({"a": True, "b": False}),
        attempt({"a": False, "b": False}),
        attempt({"a": True, "b": True}),
    ]
    stats = quiz_statistics(attempts)
    assert stats.attempts == 4 and stats.passed == 3 and stats.pass_rate == 75.0
    assert stats.mean == 62.5 and stats.median == 75.0  # scores 100, 50, 0, 100
    by_prompt = {q.prompt: q for q in stats.questions}
    assert by_prompt["A"].facility == 75.0
    assert by_prompt["B"].facility == 50.0
    # Learners who got B right also got A right: B discriminates positively.
    assert by_prompt["B"].discrimination > 0


def test_statistics_without_enough_data():
    stats = quiz_statistics([attempt({"a": True, "b": True})])
    assert all(q.discrimination is None for q in stats.questions)
    empty = quiz_statistics([])
    assert (empty.attempts, empty.mean, empty.median, empty.pass_rate) == (0, None, None, None)


@pytest.fixture
def activity(course, module, learner, enrollment):
    quiz = make_quiz(module=module)
    first = start_attempt(learner, quiz)
    submit(first, wrong_answers(first))
    second = start_attempt(learner, quiz)
    submit(second, right_answers(second))
    other = UserFactory(legal_name="=HYPERLINK(1)")
    enroll(other, course)
    CourseEvaluation.objects.create(
        enrollment=enrollment,
        objectives_met=5,
        instructor_knowledge=4,
        relevance=5,
        hours_fair=3,
        minutes_taken=90,
        comments="Useful.",
    )
    return quiz


def test_quiz_report_and_csv(client, instructor, activity):
    client.force_login(instructor)
    url = reverse("quiz_report", args=[activity.pk])
    text = client.get(url).text
    assert "Attempts submitted</dt><dd>2" in text
    assert "50.0%" in text  # pass rate
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert rows[0][:3] == ["question", "attempts", "facility index (%)"]
    assert len(rows) == 1 + 4
    assert client.get(reverse("quiz_reports")).status_code == 200


def test_course_roster_evaluations_and_csv(client, admin_user, course, activity):
    client.force_login(admin_user)
    url = reverse("course_report", args=[course.pk])
    text = client.get(url).text
    assert "Course evaluations (1)" in text and "Useful." in text
    assert "median <strong>90 minutes</strong> (1 answer)" in text
    assert f"which stands for {round(course.ce_hours * 60)} minutes" in text
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert rows[0][0] == "legal name" and len(rows) == 3
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in names  # formulas are defused
    learner_row = next(row for row in rows[1:] if row[8] == "1")
    assert learner_row[10] == "yes"


def test_learners_cannot_see_reports(client, learner, course, activity):
    client.force_login(learner)
    for url in (
        reverse("quiz_reports"),
        reverse("quiz_report", args=[activity.pk]),
        reverse("course_report", args=[course.pk]),
    ):
        assert client.get(url).status_code in (302, 403)


def test_the_quiz_and_course_lists_link_to_their_reports(client, instructor, admin_user, course):
    module_quiz = make_quiz(module=course.get_children().first().specific, pass_mark=80)
    final_exam = make_quiz(course=course, title="Final")
    client.force_login(instructor)
    quizzes = client.get(reverse("quiz_reports")).text
    assert f'<a href="{reverse("quiz_report", args=[module_quiz.pk])}">' in quizzes
    assert f'<a href="{reverse("quiz_report", args=[final_exam.pk])}">' in quizzes
    assert f"Final exam of {course.title}" in quizzes and "80%" in quizzes
    client.force_login(admin_user)
    courses = client.get(reverse("course_reports")).text
    assert f'<a href="{reverse("course_report", args=[course.pk])}">' in courses


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("learner", "quiz_reports"),
        ("instructor", "course_reports"),
        ("reviewer", "course_reports"),
    ],
)
def test_the_lists_keep_their_access_rules(client, db, request, who, url_name):
    # `db` by name: the user comes from getfixturevalue, which pytest-django cannot see, and
    # would otherwise order the test after the transactional ones that empty the database.
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(url_name)).status_code in (302, 403)
