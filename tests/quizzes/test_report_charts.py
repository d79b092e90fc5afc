"""The admin reports' charts: a quiz's score distribution and each question's facility and
discrimination; a course's completion funnel. Each chart's table holds the numbers it draws."""

import ast
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from wagtail import hooks

import pytest

from certificates.issuing import revoke_certificate
from certificates.models import Certificate
from certificates.wagtail_hooks import certified_funnel_stage
from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.attempts import start_attempt, submit
from quizzes.completion import record_completion_if_complete
from quizzes.models import CourseEvaluation
from quizzes.reports import FUNNEL_STAGES_HOOK, FunnelCondition, course_funnel
from quizzes.statistics import quiz_statistics, score_bin_labels, score_bins
from tests.chart_html import charts, numbers, percent, table_by_id
from tests.conftest import build_course
from tests.factories import ModulePageFactory, UserFactory
from tests.quizzes.conftest import make_quiz, read_module, right_answers, wrong_answers

# --- score bins -------------------------------------------------------------------------------


def test_score_bins_are_ten_points_wide_with_100_in_the_last():
    assert score_bins([0, 9.99, 10, 69.99, 70, 89.5, 99.99, 100]) == (
        2,
        1,
        0,
        0,
        0,
        0,
        1,
        1,
        1,
        2,
    )
    assert score_bins([]) == (0,) * 10
    labels = score_bin_labels()
    assert labels[0] == "0 to under 10" and labels[-1] == "90 to 100" and len(labels) == 10


def test_quiz_statistics_count_every_submitted_attempt_in_a_bin():
    def attempt(score):
        return SimpleNamespace(
            snapshot={"questions": []}, answers={}, score=score, passed=(score or 0) >= 70
        )

    stats = quiz_statistics([attempt(100), attempt(75), attempt(75), attempt(20), attempt(None)])
    assert stats.score_bins == (0, 0, 1, 0, 0, 0, 0, 2, 0, 1)
    assert sum(stats.score_bins) == stats.attempts == 4


# --- the quiz report --------------------------------------------------------------------------


def width_of(row):
    """The drawn bar's width in percent; no bar is drawn for zero."""
    return percent(row.rect["width"]) if row.rect else 0


def answer(attempt, right):
    """Answers to the attempt's questions: right for the question ids in `right`."""
    good, bad = right_answers(attempt), wrong_answers(attempt)
    return {qid: good[qid] if n in right else bad[qid] for n, qid in enumerate(good)}


@pytest.fixture
def quiz_with_attempts(course, module):
    """Four questions and five learners. Question 0 is answered right only by the learners
    who get everything else wrong (negative discrimination); question 3 by nobody (no
    variation: discrimination undefined)."""
    quiz = make_quiz(module=module, questions=4, max_attempts=3, pass_mark=80)
    patterns = [{0}, {0}, {1, 2}, {1, 2}, {1}]  # scores 25, 25, 50, 50, 25
    for right in patterns:
        learner = UserFactory()
        read_module(enroll(learner, course)[0], module)
        attempt = start_attempt(learner, quiz)
        submit(attempt, answer(attempt, right))
    learner = UserFactory()
    read_module(enroll(learner, course)[0], module)
    for right in ({0, 1, 2}, {0, 1, 2}):  # 75 (under the pass mark), twice: retries count
        attempt = start_attempt(learner, quiz)
        submit(attempt, answer(attempt, right))
    return quiz


def test_quiz_report_histogram_holds_the_same_counts_as_its_table(
    client, instructor, quiz_with_attempts
):
    client.force_login(instructor)
    html = client.get(reverse("quiz_report", args=[quiz_with_attempts.pk])).text
    histogram = charts(html)["score-distribution"]
    expected = [0, 0, 3, 0, 0, 2, 0, 2, 0, 0]  # 25 x3, 50 x2, 75 x2
    assert [int(row.value) for row in histogram.rows] == expected
    assert histogram.table_rows == [
        [label, str(count)] for label, count in zip(score_bin_labels(), expected, strict=True)
    ]
    heights = [int(row.rect["height"]) if row.rect else 0 for row in histogram.rows]
    tallest = max(heights)
    assert [round(h / tallest, 2) for h in heights] == [round(c / 3, 2) for c in expected]
    marker = histogram.svg.select_one("g.chart__marker")
    assert percent(marker.find("line")["x1"]) == 80
    assert "Pass mark 80%" in marker.get_text()
    assert "7 submitted attempts" in histogram.description


def test_question_bars_hold_the_numbers_of_the_questions_table(
    client, instructor, quiz_with_attempts
):
    client.force_login(instructor)
    html = client.get(reverse("quiz_report", args=[quiz_with_attempts.pk])).text
    found = charts(html)
    table = table_by_id(html, "questions-table")
    assert len(table) == 4
    facility, discrimination = found["facility"], found["discrimination"]
    for row, fac, dis in zip(table, facility.rows, discrimination.rows, strict=True):
        prompt, _attempts, fac_cell, dis_cell = row
        assert fac.label == dis.label == prompt
        assert fac.value == fac_cell
        assert width_of(fac) == pytest.approx(numbers(fac_cell)[0], abs=0.01)
        if dis_cell == "not enough data":
            assert dis.rect is None and dis.value == "not enough data"
            continue
        value = numbers(dis_cell)[0]
        assert numbers(dis.value) == [value]
        # Zero in the middle: a value v is a bar from 50 % spanning |v| / 2.
        assert width_of(dis) == pytest.approx(abs(value) / 2, abs=0.01)
        if dis.rect:
            start = percent(dis.rect["x"])
            assert start == pytest.approx(50 if value >= 0 else 50 + value / 2, abs=0.01)
    cells = {row[0]: row[3] for row in table}
    assert numbers(cells["Question 0?"])[0] < 0  # the negative question
    assert cells["Question 3?"] == "not enough data"  # nobody got it right
    negative = next(r for r in discrimination.rows if r.label == "Question 0?")
    assert negative.rect["fill"] == "#a61b1b"
    assert "1 of them has not enough data yet" in discrimination.description
    # The charts point at the questions table instead of repeating it.
    assert facility.table_rows == [] and 'href="#questions-table"' in html


def test_quiz_report_without_attempts_shows_empty_states(client, instructor, module):
    quiz = make_quiz(module=module)
    client.force_login(instructor)
    response = client.get(reverse("quiz_report", args=[quiz.pk]))
    assert response.status_code == 200
    found = charts(response.text)
    assert found["score-distribution"].svg is None
    assert "No submitted attempts yet. The distribution appears after the first." in response.text
    assert "facility" not in found


# --- the course funnel ------------------------------------------------------------------------


def read(enrollment, modules):
    for module in modules:
        progress = record_view(enrollment, module)
        ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())


def pass_quiz(learner, quiz):
    attempt = start_attempt(learner, quiz)
    submit(attempt, right_answers(attempt))


def evaluate(enrollment):
    CourseEvaluation.objects.create(
        enrollment=enrollment, objectives_met=5, instructor_knowledge=5, relevance=5, hours_fair=5
    )


@pytest.fixture
def funnel_course(catalog, admin_user, django_capture_on_commit_callbacks):
    """Three modules, a quiz on the first, a final exam, an evaluation required; eight
    learners who got to different places."""
    # Steps open in any order, so that learners can stand at every stage of the funnel.
    course = build_course(
        catalog, modules=3, title="Funnel course", evaluation_required=True, gating="open"
    )
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    module_quiz = make_quiz(module=modules[0], questions=2, max_attempts=5)
    final = make_quiz(course=course, questions=2, max_attempts=5)

    def learner(name):
        user = UserFactory(email=f"{name}@example.com")
        return user, enroll(user, course)[0]

    learner("enrolled-only")
    _, enrollment = learner("one-module")
    read(enrollment, modules[:1])
    user, enrollment = learner("quiz-without-reading")  # took a quiz, read nothing
    pass_quiz(user, module_quiz)
    user, enrollment = learner("one-module-and-quizzes")
    read(enrollment, modules[:1])
    pass_quiz(user, module_quiz)
    pass_quiz(user, final)
    _, enrollment = learner("all-read")
    read(enrollment, modules)
    user, enrollment = learner("passed-no-evaluation")
    read(enrollment, modules)
    pass_quiz(user, module_quiz)
    pass_quiz(user, final)
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("certified", "revoked"):
            user, enrollment = learner(name)
            read(enrollment, modules)
            pass_quiz(user, module_quiz)
            pass_quiz(user, final)
            evaluate(enrollment)
            assert record_completion_if_complete(enrollment)
    revoke_certificate(
        Certificate.objects.get(user__email="revoked@example.com"), admin_user, "Error"
    )
    return course


EXPECTED_FUNNEL = [
    ("Enrolled", 8),
    ("Started", 6),  # read one module or more
    ("Read every module", 4),
    ("Passed every quiz", 3),  # passed-no-evaluation, certified, revoked
    ("Certified", 1),  # a valid certificate: the revoked one is not counted
]


def test_funnel_counts_at_a_known_fixture(funnel_course):
    stages = course_funnel(funnel_course)
    assert [(s.label, s.count) for s in stages] == EXPECTED_FUNNEL
    assert all(s.definition for s in stages)


def test_funnel_is_one_aggregate_query_whatever_the_number_of_learners(
    funnel_course, django_assert_num_queries
):
    from quizzes.reports import course_parts

    parts = course_parts(funnel_course)
    with django_assert_num_queries(1):
        course_funnel(funnel_course, parts)


def test_a_completed_learner_stays_counted_when_a_module_is_added_later(funnel_course):
    ModulePageFactory(parent=funnel_course, title="Added later")
    counts = {s.label: s.count for s in course_funnel(funnel_course)}
    # all-read and passed-no-evaluation have not read the new module; the two completed
    # learners still count as having read every module.
    assert counts["Read every module"] == 2
    assert counts["Passed every quiz"] == 2
    assert counts["Certified"] == 1


def test_the_certified_stage_arrives_through_the_hook(funnel_course):
    assert certified_funnel_stage in hooks.get_hooks(FUNNEL_STAGES_HOOK)
    extra = FunnelCondition("Named Ann", Q(user__email="certified@example.com"), "test")
    with hooks.register_temporarily(FUNNEL_STAGES_HOOK, lambda course: [extra]):
        stages = course_funnel(funnel_course)
    assert [(s.label, s.count) for s in stages] == [*EXPECTED_FUNNEL, ("Named Ann", 1)]


def test_quizzes_never_imports_certificates():
    """The funnel's certified stage comes through the hook: quizzes names no higher app."""
    for path in (Path(settings.BASE_DIR) / "quizzes").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "certificates" for n in names), path


def test_course_report_funnel_draws_what_its_table_says(client, admin_user, funnel_course):
    client.force_login(admin_user)
    html = client.get(reverse("course_report", args=[funnel_course.pk])).text
    funnel = charts(html)["funnel"]
    assert funnel.table_rows == [
        [label, str(count), f"{round(100 * count / 8, 1):g}%"] for label, count in EXPECTED_FUNNEL
    ]
    for drawn, (label, count, share) in zip(funnel.rows, funnel.table_rows, strict=True):
        assert drawn.label == label
        assert numbers(drawn.value) == numbers(f"{count} {share}")
        assert width_of(drawn) == pytest.approx(100 * int(count) / 8, abs=0.01)
    assert "from Enrolled (8) to Certified (1)" in funnel.description
    assert "How each stage is counted" in html and "revoked certificates are not counted" in html


def test_course_report_without_learners_shows_an_empty_funnel(client, admin_user, course):
    client.force_login(admin_user)
    response = client.get(reverse("course_report", args=[course.pk]))
    assert response.status_code == 200
    assert charts(response.text)["funnel"].svg is None
    assert "No learners have enrolled yet. The funnel appears" in response.text
