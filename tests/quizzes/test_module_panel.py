"""The quiz panel on a module page: which quiz a module has is kept for the content generation
(quizzes/wagtail_hooks.py), so saving or deleting a quiz must show at once; whether the learner
passed is asked every time."""

import pytest

from quizzes.attempts import start_attempt, submit
from tests.quizzes.conftest import make_quiz, right_answers


@pytest.fixture
def reader(client, learner, enrollment, settings, settled_site):
    settings.PAGE_CACHE_SECONDS = 0
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
