"""The quiz panel on a module page: which quiz a module has is kept for the content generation
(quizzes/wagtail_hooks.py), so saving or deleting a quiz must show at once; what the learner
has done is asked every time. The rendered panel is kept for each learner state (with DEBUG
off, as in production), and rendered afresh on every view with DEBUG on."""

import pytest

from courses.enrollment import enroll
from quizzes.attempts import start_attempt, submit
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, read_module, right_answers

PANEL_TEMPLATE = "quizzes/module_panel.html"


@pytest.fixture(params=[False, True], ids=["kept", "debug"])
def reader(request, client, learner, enrollment, settings, settled_site):
    settings.PAGE_CACHE_SECONDS = 0
    settings.DEBUG = request.param
    client.force_login(learner)
    return client


def panel(reader, module):
    response = reader.get(module.url)
    assert response.status_code == 200
    return response.text


def test_a_module_without_a_quiz_shows_no_quiz_panel(reader, module):
    assert "Module quiz" not in panel(reader, module)


def test_a_quiz_added_later_shows_at_once(reader, module):
    panel(reader, module)  # "no quiz" is kept
    make_quiz(module=module, pass_mark=80)
    assert "Pass the quiz (80% or more)" in panel(reader, module)


def test_a_changed_pass_mark_shows_at_once(reader, module, quiz):
    assert f"({quiz.pass_mark}% or more)" in panel(reader, module)
    quiz.pass_mark = 65
    quiz.save()
    assert "(65% or more)" in panel(reader, module)


def test_a_deleted_quiz_leaves_the_page_at_once(reader, module, quiz):
    assert "Module quiz" in panel(reader, module)
    quiz.delete()
    assert "Module quiz" not in panel(reader, module)


def test_passing_shows_on_the_next_view(reader, module, quiz, learner):
    assert f"Take the quiz: {module.title}" in panel(reader, module)
    attempt = start_attempt(learner, quiz)
    submit(attempt, right_answers(attempt))
    text = panel(reader, module)
    assert "Passed." in text and f"Take the quiz: {module.title}" not in text


def rendered_panels(client, module):
    response = client.get(module.url)
    assert response.status_code == 200
    return [t.name for t in response.templates].count(PANEL_TEMPLATE), response.text


def test_learners_in_the_same_state_share_one_rendered_panel(
    client, learner, enrollment, course, module, quiz, settings, settled_site
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.DEBUG = False
    client.force_login(learner)
    renders, first = rendered_panels(client, module)
    assert renders == 1 and f"Take the quiz: {module.title}" in first

    other = UserFactory()
    read_module(enroll(other, course)[0], module)  # the same state: this module read
    client.force_login(other)
    renders, second = rendered_panels(client, module)
    assert renders == 0
    assert f"Take the quiz: {module.title}" in second

    settings.DEBUG = True  # a developer sees template edits at once
    assert rendered_panels(client, module)[0] == 1


def test_finishing_the_reading_opens_the_quiz_on_the_next_view(
    reader, learner, course, module, quiz
):
    """A learner's kept panel follows their records: not read, then read."""
    newcomer = UserFactory()
    enrollment = enroll(newcomer, course)[0]
    reader.force_login(newcomer)
    assert "The quiz opens when you have finished reading" in panel(reader, module)
    read_module(enrollment, module)
    text = panel(reader, module)
    assert "The quiz opens when" not in text
    assert f"Pass the quiz ({quiz.pass_mark}% or more) to complete this module." in text


def test_a_renamed_module_shows_in_the_outline_at_once(reader, course, module, modules):
    later = modules[1]
    assert later.title in panel(reader, module)
    later.title = "Trigger points, revised"
    later.save_revision().publish()
    assert "Trigger points, revised" in panel(reader, module)
