import random
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from quizzes.attempts import (
    AttemptRefused,
    InvalidAnswers,
    build_snapshot,
    save_answers,
    start_attempt,
    start_state,
    submit,
)
from quizzes.models import Attempt, Choice, Question
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, read_module, right_answers, wrong_answers


def test_start_records_exactly_what_was_served(learner, enrollment, quiz):
    attempt = start_attempt(learner, quiz)
    served = attempt.snapshot["questions"]
    assert [q["prompt"] for q in served] == [f"Question {n}?" for n in range(4)]
    assert attempt.number == 1 and attempt.status == Attempt.OPEN
    # Later edits change nothing for this attempt.
    Question.objects.filter(quiz=quiz).update(prompt="Edited?")
    Choice.objects.filter(question__quiz=quiz, is_correct=True).update(is_correct=False)
    attempt.refresh_from_db()
    assert attempt.snapshot["questions"] == served
    submit(attempt, right_answers(attempt))
    assert attempt.score == 100 and attempt.passed


def test_draw_and_shuffle(learner, enrollment, module):
    quiz = make_quiz(questions=10, module=module, draw_count=4, shuffle_questions=True)
    attempt = start_attempt(learner, quiz, rng=random.Random(7))
    prompts = [q["prompt"] for q in attempt.snapshot["questions"]]
    assert len(prompts) == 4 == len(set(prompts))


def test_starting_again_resumes_the_open_attempt(learner, enrollment, quiz):
    first = start_attempt(learner, quiz)
    assert start_attempt(learner, quiz).pk == first.pk
    assert Attempt.objects.count() == 1


def test_attempt_limit_and_passed_quizzes(learner, enrollment, quiz):
    for _ in range(2):
        attempt = start_attempt(learner, quiz)
        submit(attempt, wrong_answers(attempt))
    with pytest.raises(AttemptRefused, match="used all 2 attempts"):
        start_attempt(learner, quiz)
    assert Attempt.objects.count() == 2


def test_no_new_attempt_after_passing(learner, enrollment, quiz):
    attempt = start_attempt(learner, quiz)
    submit(attempt, right_answers(attempt))
    with pytest.raises(AttemptRefused, match="passed"):
        start_attempt(learner, quiz)


def test_delay_between_attempts_says_when(learner, enrollment, module):
    quiz = make_quiz(module=module, retry_delay_minutes=30)
    now = timezone.now()
    attempt = start_attempt(learner, quiz, now=now)
    submit(attempt, wrong_answers(attempt), now=now)
    with pytest.raises(AttemptRefused, match="next attempt from"):
        start_attempt(learner, quiz, now=now + timedelta(minutes=29))
    assert start_attempt(learner, quiz, now=now + timedelta(minutes=31)).number == 2


def test_time_limit_closes_and_scores_what_was_saved(learner, enrollment, module):
    quiz = make_quiz(module=module, time_limit_minutes=10)
    now = timezone.now()
    attempt = start_attempt(learner, quiz, now=now)
    answers = right_answers(attempt)
    first_two = dict(list(answers.items())[:2])
    save_answers(attempt, first_two, now=now + timedelta(minutes=5))
    late = submit(attempt, answers, now=now + timedelta(minutes=11))
    assert late.closed_by_deadline
    assert late.score == 50  # only the saved answers count
    assert late.submitted_at == attempt.deadline
    state = start_state(learner, quiz, now=now + timedelta(minutes=12))
    assert state.open_attempt is None


def test_submitting_twice_gives_the_first_result(learner, enrollment, quiz):
    attempt = start_attempt(learner, quiz)
    first = submit(attempt, wrong_answers(attempt))
    again = submit(Attempt.objects.get(pk=attempt.pk), right_answers(attempt))
    assert again.score == first.score == 0
    assert not again.passed


@pytest.mark.parametrize("tamper", ["question", "choice", "two_for_single"])
def test_tampered_answers_are_refused_and_change_nothing(learner, enrollment, quiz, tamper):
    attempt = start_attempt(learner, quiz)
    question = attempt.snapshot["questions"][0]
    save_answers(attempt, {question["id"]: [question["choices"][0]["id"]]})
    bad = {
        "question": {"999999": [question["choices"][0]["id"]]},
        "choice": {question["id"]: ["999999"]},
        "two_for_single": {question["id"]: [c["id"] for c in question["choices"]]},
    }[tamper]
    with pytest.raises(InvalidAnswers):
        save_answers(attempt, bad)
    with pytest.raises(InvalidAnswers):
        submit(attempt, bad)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.OPEN
    assert attempt.answers == {question["id"]: [question["choices"][0]["id"]]}


def test_only_enrolled_learners_start(db, quiz):
    with pytest.raises(AttemptRefused, match="Enroll"):
        start_attempt(UserFactory(), quiz)


# Views


def test_the_served_quiz_page_hides_answers_and_explanations(client, learner, enrollment, quiz):
    client.force_login(learner)
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    assert response.url == reverse("quizzes:take", args=[attempt.pk])
    html = client.get(response.url).text
    assert "Question 0?" in html and "Start quiz" not in html
    assert "Because 0." not in html
    assert "correct" not in html.lower()
    assert "Submit answers" in html and "Save answers" in html


def test_save_then_submit_through_the_form(client, learner, enrollment, quiz):
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    take = reverse("quizzes:take", args=[attempt.pk])
    answers = right_answers(attempt)
    first_id, first_choice = next(iter(answers.items()))
    client.post(take, {f"q-{first_id}": first_choice, "save": "1"})
    attempt.refresh_from_db()
    assert attempt.answers == {first_id: first_choice}
    assert "checked" in client.get(take).text
    data = {f"q-{qid}": ids for qid, ids in answers.items()}
    response = client.post(take, {**data, "submit": "1"})
    assert response.url == reverse("quizzes:result", args=[attempt.pk])
    result = client.get(response.url).text
    assert "Passed: 100%" in result
    # Explanations show after passing (the default policy).
    assert "Because 0." in result


def test_review_after_a_fail_follows_the_policy(client, learner, enrollment, module):
    quiz = make_quiz(module=module, review_after_submit="marks")
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    submit(attempt, wrong_answers(attempt))
    text = client.get(reverse("quizzes:result", args=[attempt.pk])).text
    assert "Not passed: 0%" in text
    assert "not right" in text
    assert "(correct answer)" not in text and "Because 0." not in text
    assert "Try again</button>" in text


def test_score_only_policy_shows_no_questions(client, learner, enrollment, module):
    quiz = make_quiz(module=module, review_after_submit="score")
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    submit(attempt, wrong_answers(attempt))
    text = client.get(reverse("quizzes:result", args=[attempt.pk])).text
    assert "Question 0?" not in text


def test_tampered_form_gets_a_clear_400(client, learner, enrollment, quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    response = client.post(
        reverse("quizzes:take", args=[attempt.pk]), {"q-424242": ["1"], "submit": "1"}
    )
    assert response.status_code == 400
    assert "not in this attempt" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.OPEN


def test_an_attempt_belongs_to_its_learner(client, learner, enrollment, quiz):
    attempt = start_attempt(learner, quiz)
    client.force_login(UserFactory())
    assert client.get(reverse("quizzes:take", args=[attempt.pk])).status_code == 404
    assert (
        client.post(reverse("quizzes:take", args=[attempt.pk]), {"submit": "1"}).status_code == 404
    )
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == Attempt.OPEN


def test_refusal_message_on_the_quiz_page(client, learner, enrollment, module):
    quiz = make_quiz(module=module, max_attempts=1)
    attempt = start_attempt(learner, quiz)
    submit(attempt, wrong_answers(attempt))
    client.force_login(learner)
    response = client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)
    assert "used all 1 attempts" in response.text
    assert '<p class="notice">You have used all 1 attempts' in response.text  # warning style


def test_a_passed_quiz_reads_as_a_success(client, learner, enrollment, quiz):
    failed = start_attempt(learner, quiz)
    submit(failed, wrong_answers(failed))
    passed = start_attempt(learner, quiz)
    submit(passed, right_answers(passed))
    client.force_login(learner)
    success = '<p class="message message--success">You have passed this quiz.</p>'
    page = client.get(reverse("quizzes:detail", args=[quiz.pk])).text
    assert success in page and 'class="notice"' not in page
    # The earlier, failed attempt's result says the quiz has since been passed, as a success.
    page = client.get(reverse("quizzes:result", args=[failed.pk])).text
    assert '<span class="message message--success">You have passed this quiz.</span>' in page
    assert 'class="notice"' not in page
    # Start pressed on a stale page: back to the quiz page with the success, no error.
    response = client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)
    assert response.text.count("You have passed this quiz.") == 1
    assert "message--error" not in response.text and 'class="notice"' not in response.text


def test_background_save_answers_in_json(client, learner, enrollment, quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    take = reverse("quizzes:take", args=[attempt.pk])
    qid, ids = next(iter(right_answers(attempt).items()))
    response = client.post(take, {f"q-{qid}": ids}, HTTP_ACCEPT="application/json")
    assert response.json() == {"saved": True, "status": "open"}
    attempt.refresh_from_db()
    assert attempt.answers == {qid: ids}
    response = client.post(take, {"q-1234567": ["1"]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "not in this attempt" in response.json()["detail"]
    attempt.refresh_from_db()
    assert attempt.answers == {qid: ids}


def test_background_save_after_the_deadline_answers_json(client, learner, enrollment, module):
    quiz = make_quiz(module=module, time_limit_minutes=5)
    attempt = start_attempt(learner, quiz, now=timezone.now() - timedelta(minutes=6))
    client.force_login(learner)
    take = reverse("quizzes:take", args=[attempt.pk])
    qid, ids = next(iter(right_answers(attempt).items()))
    response = client.post(take, {f"q-{qid}": ids}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["saved"] is False and "Time was up" in body["detail"]
    assert body["result_url"] == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.closed_by_deadline and attempt.answers == {}  # the late answer not kept


def test_countdown_shows_only_with_a_time_limit(client, learner, enrollment, module):
    client.force_login(learner)
    timed = start_attempt(learner, make_quiz(module=module, time_limit_minutes=5))
    html = client.get(reverse("quizzes:take", args=[timed.pk])).text
    assert 'role="timer"' in html and "data-deadline" in html and "attempt.js" in html


def test_a_start_reads_the_question_pool_once_per_published_version(learner, enrollment, module):
    """Starts keep the live questions and choices: a later start reads none of their rows, and a
    published change is what the next start serves."""
    quiz = make_quiz(module=module, questions=3)
    read_module(enrollment, module)
    start_attempt(learner, quiz)
    with CaptureQueriesContext(connection) as queries:
        snapshot = build_snapshot(quiz)
    assert not [q for q in queries if "quizzes_question" in q["sql"]]
    assert not [q for q in queries if "quizzes_choice" in q["sql"]]
    prompts = [q["prompt"] for q in snapshot["questions"]]
    assert prompts == ["Question 0?", "Question 1?", "Question 2?"]

    question = quiz.questions.order_by("sort_order").first()
    question.prompt = "A reworded question?"
    question.save()  # as publishing the quiz writes its questions
    assert build_snapshot(quiz)["questions"][0]["prompt"] == "A reworded question?"
