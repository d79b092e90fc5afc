"""Quizzes go through the "Course review" workflow like module pages (issue 14): an instructor's
edit is a draft in a revision, learners are served the live quiz only, and a reviewer (or an
administrator) publishes, which writes the quiz, question and choice rows."""

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry, Revision, WorkflowState
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html

import pytest

from cms.page_cache import generation
from courses.content_import import import_all
from courses.content_source import load_all_courses
from courses.models import ModulePage
from quizzes.attempts import start_attempt, submit
from quizzes.completion import course_status
from quizzes.models import Choice, Question, Quiz
from tests.factories import CoursePageFactory, ModulePageFactory
from tests.quizzes.conftest import make_quiz, right_answers


def url(name, *args):
    return reverse(Quiz.snippet_viewset.get_url_name(name), args=args)


def form_data(html):
    """What a browser posts for the admin's editor form. Wagtail's querydict_from_html sends
    "" for a ticked checkbox without a value (a browser sends "on", and Django reads "" as
    unticked) and keeps the newline that opens a textarea (a browser drops it)."""
    data = querydict_from_html(html, form_id="w-editor-form")
    form = WagtailTestUtils.get_soup(html).find("form", id="w-editor-form")
    for box in form.find_all("input", type="checkbox", checked=True):
        data[box["name"]] = box.get("value", "on")
    for area in form.find_all("textarea"):
        data[area["name"]] = area.get_text().removeprefix("\n")
    return data


def edit_form(client, quiz, **changes):
    """The edit form as the admin renders it (with the latest draft), with some changes."""
    response = client.get(url("edit", quiz.pk))
    assert response.status_code == 200
    data = form_data(response.text)
    for name, value in changes.items():
        data[name] = value
    return data


def post_edit(client, quiz, data, action=None):
    if action:
        data[f"action-{action}"] = f"action-{action}"
    response = client.post(url("edit", quiz.pk), data)
    assert response.status_code == 302, form_errors(response)
    return response


def form_errors(response):
    """What a refused form says, for a failing test's message."""
    errors = re.findall(r'class="[^"]*error-message[^"]*"[^>]*>(.*?)</', response.text, re.S)
    return [e.strip() for e in errors] or response.text[:2000]


def approve(client, quiz):
    state = WorkflowState.objects.for_instance(quiz).get(status=WorkflowState.STATUS_IN_PROGRESS)
    action = url("workflow_action", quiz.pk, "approve", state.current_task_state.id)
    return client.post(action), state


def live_values(quiz):
    row = Quiz.objects.get(pk=quiz.pk)
    return row.pass_mark, row.max_attempts, row.review_after_submit


def question_rows(quiz):
    return [
        (q.prompt, [(c.text, c.is_correct) for c in q.choices.order_by("sort_order")])
        for q in Question.objects.filter(quiz=quiz).order_by("sort_order")
    ]


@pytest.fixture
def live_quiz(module):
    """A published module quiz with a live revision, as the importer or a reviewer leaves it."""
    quiz = make_quiz(module=module, max_attempts=2, review_after_submit=Quiz.REVIEW_MARKS)
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    return quiz


SETTINGS_CHANGES = {"pass_mark": "1", "max_attempts": "0", "review_after_submit": "answers"}


def test_an_instructors_edit_is_a_draft_until_a_reviewer_approves_it(
    client, instructor, reviewer, live_quiz
):
    before = live_values(live_quiz)
    assert before == (70, 2, Quiz.REVIEW_MARKS)
    client.force_login(instructor)

    # Saving: a draft revision; the live quiz learners are served is unchanged.
    post_edit(client, live_quiz, edit_form(client, live_quiz, **SETTINGS_CHANGES))
    assert live_values(live_quiz) == before
    quiz = Quiz.objects.get(pk=live_quiz.pk)
    assert quiz.live and quiz.has_unpublished_changes
    draft = quiz.latest_revision.as_object()
    assert (draft.pass_mark, draft.max_attempts, draft.review_after_submit) == (1, 0, "answers")

    # Publishing is not among an instructor's actions: the post saves another draft.
    post_edit(client, quiz, edit_form(client, quiz), action="publish")
    assert live_values(quiz) == before
    assert Quiz.objects.get(pk=quiz.pk).live_revision_id == live_quiz.live_revision_id

    # Submitting for review starts the course workflow; the instructor cannot approve it.
    post_edit(client, quiz, edit_form(client, quiz), action="submit")
    assert live_values(quiz) == before
    response, state = approve(client, quiz)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Course review"
    assert live_values(quiz) == before

    # A reviewer approves through the workflow action URL: that publishes the draft.
    client.force_login(reviewer)
    response, state = approve(client, quiz)
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert live_values(quiz) == (1, 0, "answers")
    quiz = Quiz.objects.get(pk=quiz.pk)
    assert not quiz.has_unpublished_changes
    assert quiz.live_revision_id == quiz.latest_revision_id


def test_instructors_cannot_publish_or_unpublish_reviewers_can(
    client, instructor, reviewer, live_quiz
):
    assert not instructor.has_perm("quizzes.publish_quiz")
    assert not instructor.has_perm("quizzes.unlock_quiz")
    assert not instructor.has_perm("quizzes.delete_quiz")
    assert instructor.has_perm("quizzes.change_quiz") and instructor.has_perm("quizzes.add_quiz")
    assert reviewer.has_perm("quizzes.publish_quiz") and reviewer.has_perm("quizzes.change_quiz")

    client.force_login(instructor)
    assert client.post(url("unpublish", live_quiz.pk)).status_code in (302, 403)
    assert Quiz.objects.get(pk=live_quiz.pk).live


def test_a_reviewer_may_publish_from_the_edit_form(client, reviewer, live_quiz):
    client.force_login(reviewer)
    post_edit(client, live_quiz, edit_form(client, live_quiz, pass_mark="85"), action="publish")
    assert live_values(live_quiz)[0] == 85


def _question_form(data, n, prompt, choices, kind="single"):
    """Add a new question form (with its nested choice forms) to posted edit-form data."""
    prefix = f"questions-{n}"
    data.update(
        {
            f"{prefix}-id": "",
            f"{prefix}-kind": kind,
            f"{prefix}-section": "",
            f"{prefix}-objective": "",
            f"{prefix}-prompt": prompt,
            f"{prefix}-explanation": "Because.",
            f"{prefix}-ORDER": str(n + 1),
            f"{prefix}-DELETE": "",
            f"{prefix}-choices-TOTAL_FORMS": str(len(choices)),
            f"{prefix}-choices-INITIAL_FORMS": "0",
            f"{prefix}-choices-MIN_NUM_FORMS": "2",
            f"{prefix}-choices-MAX_NUM_FORMS": "1000",
        }
    )
    for m, (text, correct) in enumerate(choices):
        data[f"{prefix}-choices-{m}-id"] = ""
        data[f"{prefix}-choices-{m}-text"] = text
        data[f"{prefix}-choices-{m}-ORDER"] = str(m + 1)
        data[f"{prefix}-choices-{m}-DELETE"] = ""
        if correct:
            data[f"{prefix}-choices-{m}-is_correct"] = "on"
    data["questions-TOTAL_FORMS"] = str(n + 1)


def test_question_and_choice_edits_reach_the_rows_only_on_publish(
    client, instructor, reviewer, live_quiz
):
    before = question_rows(live_quiz)
    assert len(before) == 4
    question_ids = list(live_quiz.questions.order_by("sort_order").values_list("id", flat=True))
    client.force_login(instructor)
    data = edit_form(client, live_quiz)
    assert data["questions-0-id"] == str(question_ids[0])
    data["questions-0-prompt"] = "Changed prompt?"
    assert data["questions-0-choices-1-text"] == "Wrong"
    data["questions-0-choices-1-text"] = "Changed wrong choice"
    data["questions-1-DELETE"] = "1"  # question 1 goes, with its choices
    _question_form(
        data,
        4,
        "New question?",
        [("New right", True), ("New wrong", False), ("Also wrong", False)],
    )
    post_edit(client, live_quiz, data)

    # The draft holds both levels: the questions, and each question's choices.
    quiz = Quiz.objects.get(pk=live_quiz.pk)
    content = quiz.latest_revision.content
    prompts = [q["prompt"] for q in content["questions"]]
    assert prompts == ["Changed prompt?", "Question 2?", "Question 3?", "New question?"]
    assert [c["text"] for c in content["questions"][0]["choices"]] == [
        "Right",
        "Changed wrong choice",
    ]
    assert [c["text"] for c in content["questions"][-1]["choices"]] == [
        "New right",
        "New wrong",
        "Also wrong",
    ]
    # ... and none of it is in the rows yet.
    assert question_rows(quiz) == before
    assert Choice.objects.filter(question__quiz=quiz).count() == 8

    # The draft, reopened, shows what was saved (from the revision, nested choices included).
    reopened = edit_form(client, quiz)
    assert reopened["questions-0-prompt"] == "Changed prompt?"
    assert reopened["questions-3-choices-2-text"] == "Also wrong"

    # Submitted, then approved in the workflow: publishing the revision writes the rows.
    post_edit(client, quiz, reopened, action="submit")
    assert question_rows(quiz) == before
    client.force_login(reviewer)
    approve(client, quiz)
    assert question_rows(quiz) == [
        ("Changed prompt?", [("Right", True), ("Changed wrong choice", False)]),
        ("Question 2?", [("Right", True), ("Wrong", False)]),
        ("Question 3?", [("Right", True), ("Wrong", False)]),
        ("New question?", [("New right", True), ("New wrong", False), ("Also wrong", False)]),
    ]
    # Kept questions keep their rows; the deleted one is gone with its choices.
    rows = list(Question.objects.filter(quiz=quiz).order_by("sort_order"))
    assert [q.id for q in rows[:3]] == [question_ids[0], question_ids[2], question_ids[3]]
    assert not Question.objects.filter(id=question_ids[1]).exists()
    assert Choice.objects.filter(question__quiz=quiz).count() == 9
    assert not Choice.objects.filter(question_id=question_ids[1]).exists()


def test_a_new_question_order_in_a_draft_survives_reopening_and_publishing(
    client, admin_user, live_quiz
):
    client.force_login(admin_user)
    data = edit_form(client, live_quiz)
    for n, order in enumerate([2, 3, 4, 1]):  # the last question moves to the top
        data[f"questions-{n}-ORDER"] = str(order)
    post_edit(client, live_quiz, data)
    reordered = ["Question 3?", "Question 0?", "Question 1?", "Question 2?"]

    # Reopened, the draft lists its questions in their new order (by sort order, not by id),
    # so saving it again, here with publishing, keeps that order.
    reopened = edit_form(client, live_quiz)
    assert [reopened[f"questions-{n}-prompt"] for n in range(4)] == reordered
    post_edit(client, live_quiz, reopened, action="publish")
    assert [prompt for prompt, _ in question_rows(live_quiz)] == reordered
    again = edit_form(client, live_quiz)
    assert [again[f"questions-{n}-prompt"] for n in range(4)] == reordered


def test_publishing_a_changed_quiz_leaves_submitted_attempts_as_they_were(
    client, reviewer, learner, enrollment, live_quiz
):
    attempt = start_attempt(learner, live_quiz)
    submit(attempt, right_answers(attempt))
    attempt.refresh_from_db()
    snapshot, score, passed = attempt.snapshot, attempt.score, attempt.passed
    assert score == 100 and passed

    client.force_login(reviewer)
    data = edit_form(client, live_quiz, pass_mark="100")
    for n in range(4):  # every answer the learner gave is now wrong
        data[f"questions-{n}-prompt"] = f"Reworded {n}?"
        data.pop(f"questions-{n}-choices-0-is_correct", None)
        data[f"questions-{n}-choices-1-is_correct"] = "on"
    post_edit(client, live_quiz, data, action="publish")
    assert Question.objects.filter(quiz=live_quiz, prompt="Reworded 0?").exists()
    assert not Choice.objects.filter(question__quiz=live_quiz, text="Right", is_correct=True)

    attempt.refresh_from_db()
    assert (attempt.snapshot, attempt.score, attempt.passed) == (snapshot, score, passed)


def test_a_never_published_quiz_is_not_served(client, instructor, learner, enrollment, module):
    client.force_login(instructor)
    data = edit_form_for_new_quiz(client, module)
    response = client.post(url("add"), data)
    assert response.status_code == 302, form_errors(response)
    quiz = Quiz.objects.get(module=module)
    assert not quiz.live
    assert not Quiz.objects.live().exists()

    status = course_status(enrollment)
    assert status.modules[0].module == module
    assert status.modules[0].quiz is None
    assert status.final_exam is None
    learner_client = Client()
    learner_client.force_login(learner)
    assert "Module quiz" not in learner_client.get(module.url).text

    # A final exam that was never published does not count either.
    make_quiz(course=enrollment.course).unpublish()
    assert course_status(enrollment).final_exam is None

    # Once published (here by an administrator), the quiz counts and shows.
    quiz.save_revision().publish()
    assert course_status(enrollment).modules[0].quiz == quiz
    assert "Module quiz" in learner_client.get(module.url).text


def edit_form_for_new_quiz(client, module):
    response = client.get(url("add"))
    assert response.status_code == 200
    data = form_data(response.text)
    data.update({"title": "Draft quiz", "module": str(module.id)})
    _question_form(data, 0, "Draft question?", [("Yes", True), ("No", False)])
    return data


def test_module_pages_show_the_live_quiz_and_only_publishing_starts_a_generation(
    client, instructor, reviewer, learner, enrollment, module, live_quiz, settled_site
):
    learner_client = Client()
    learner_client.force_login(learner)
    assert "(70% or more)" in learner_client.get(module.url).text
    first = generation()

    client.force_login(instructor)
    post_edit(client, live_quiz, edit_form(client, live_quiz, pass_mark="1"))
    post_edit(client, live_quiz, edit_form(client, live_quiz), action="submit")
    assert generation() == first  # drafts leave the live quiz, and the kept pages, alone
    assert "(70% or more)" in learner_client.get(module.url).text

    client.force_login(reviewer)
    approve(client, live_quiz)
    assert generation() != first
    assert "(1% or more)" in learner_client.get(module.url).text


def test_imported_quizzes_are_live_with_a_live_revision_and_reimport_changes_nothing(catalog):
    import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    quizzes = list(Quiz.objects.all())
    assert len(quizzes) == 12
    for quiz in quizzes:
        assert quiz.live and not quiz.has_unpublished_changes
        assert quiz.live_revision_id and quiz.live_revision_id == quiz.latest_revision_id
        assert quiz.first_published_at and quiz.last_published_at
        # The live revision is what the rows hold, ids included: a later draft compares with it.
        content = quiz.live_revision.content
        assert sorted(q["pk"] for q in content["questions"]) == sorted(
            quiz.questions.values_list("id", flat=True)
        )
        assert sum(len(q["choices"]) for q in content["questions"]) == (
            Choice.objects.filter(question__quiz=quiz).count()
        )
        assert content["pass_mark"] == quiz.pass_mark

    state = (
        Revision.objects.count(),
        ModelLogEntry.objects.count(),
        list(Quiz.objects.order_by("pk").values_list("pk", "last_published_at")),
        list(Question.objects.order_by("pk").values_list("pk", flat=True)),
        list(Choice.objects.order_by("pk").values_list("pk", flat=True)),
    )
    import_all(load_all_courses(settings.CONTENT_SOURCE_DIR))
    assert (
        Revision.objects.count(),
        ModelLogEntry.objects.count(),
        list(Quiz.objects.order_by("pk").values_list("pk", "last_published_at")),
        list(Question.objects.order_by("pk").values_list("pk", flat=True)),
        list(Choice.objects.order_by("pk").values_list("pk", flat=True)),
    ) == state


def test_the_listing_is_in_course_order_with_each_quizs_status(
    client, admin_user, instructor, catalog
):
    # Two courses; modules in tree order that is not alphabetical; quiz titles that sort the
    # other way round.
    expected = []
    for course_title in ("Second course by title", "First course by title"):
        course = CoursePageFactory(parent=catalog, title=course_title)
        for n, module_title in enumerate(("Zeta", "Alpha", "Mu")):
            module = ModulePageFactory(parent=course, title=f"{course_title} {module_title}")
            quiz = make_quiz(module=module, title=f"{course_title} quiz {chr(ord('z') - n)}")
            expected.append(quiz.title)
        exam = make_quiz(
            course=course, title=f"{course_title} a final exam", prompt="Exam question {n}?"
        )
        expected.append(exam.title)
    assert ModulePage.objects.count() == 6

    # Statuses: a draft never published, a live quiz with a draft in moderation, and one with
    # a draft not submitted yet.
    draft = Quiz.objects.get(title="First course by title quiz y")
    draft.unpublish()
    in_review = Quiz.objects.get(title="Second course by title quiz x")
    client.force_login(instructor)
    post_edit(client, in_review, edit_form(client, in_review, pass_mark="50"), action="submit")
    with_draft = Quiz.objects.get(title="Second course by title quiz y")
    post_edit(client, with_draft, edit_form(client, with_draft, pass_mark="60"))

    client.force_login(admin_user)
    response = client.get(url("list"))
    assert response.status_code == 200
    text = response.text
    positions = [text.index(f">{title}<") for title in expected]
    assert positions == sorted(positions)

    def status(title):
        row = text[text.index(f">{title}<") :].split("</tr>")[0]
        return re.search(r'class="w-status[^"]*"[^>]*>\s*(.*?)\s*</span>', row, re.S)[1]

    assert status("Second course by title quiz x") == "live + in moderation"
    assert status("First course by title quiz y") == "draft"
    assert status("Second course by title quiz y") == "live + draft"
    assert status("Second course by title quiz z") == "live"

    found = client.get(url("list"), {"q": "final exam"})
    assert found.status_code == 200
    assert ">First course by title a final exam<" in found.text
