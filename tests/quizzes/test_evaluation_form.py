"""The course evaluation's rating questions: five answers each, none chosen in advance."""

import re

from django.urls import reverse

import pytest

from quizzes.forms import RATING_FIELDS
from quizzes.models import CourseEvaluation
from tests.quizzes.conftest import read_all
from tests.quizzes.test_completion import EVALUATION


@pytest.fixture
def url(client, learner, enrollment, course):
    read_all(enrollment)  # the evaluation opens when every module is complete
    client.force_login(learner)
    return reverse("quizzes:evaluation", args=[course.pk])


def test_ratings_offer_five_answers_and_none_is_chosen(client, url):
    html = client.get(url).text
    assert "---------" not in html
    assert not re.search(r"<input[^>]*\bchecked\b", html)
    for name in RATING_FIELDS:
        values = re.findall(rf'<input type="radio" name="{name}" value="([^"]*)"', html)
        assert values == ["5", "4", "3", "2", "1"], name


def test_each_unanswered_rating_is_required_and_nothing_is_saved(client, url):
    answers = {k: v for k, v in EVALUATION.items() if k not in RATING_FIELDS}
    response = client.post(url, answers)
    assert response.status_code == 400
    assert response.text.count("This field is required.") == len(RATING_FIELDS)
    assert "---------" not in response.text
    assert not CourseEvaluation.objects.exists()


def test_an_empty_rating_is_refused(client, url):
    response = client.post(url, {**EVALUATION, "relevance": ""})
    assert response.status_code == 400
    assert response.text.count("This field is required.") == 1
    assert not CourseEvaluation.objects.exists()


def test_a_chosen_answer_stays_chosen_when_another_is_missing(client, url):
    response = client.post(url, {**EVALUATION, "relevance": ""})
    radio = r'<input type="radio" name="(\w+)" value="(\d)"[^>]*\bchecked\b'
    checked = re.findall(radio, response.text)
    assert sorted(checked) == sorted(
        (name, str(EVALUATION[name])) for name in RATING_FIELDS if name != "relevance"
    )


def test_a_complete_evaluation_is_saved(client, url):
    assert client.post(url, EVALUATION).status_code == 302
    saved = CourseEvaluation.objects.get()
    assert [getattr(saved, name) for name in RATING_FIELDS] == [5, 4, 5, 4]
