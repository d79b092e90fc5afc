"""The start button names what it starts: "Start final exam" for the course's final exam,
"Start quiz" for a module quiz (docs/design.md's plain action names)."""

from django.urls import reverse

from tests.quizzes.conftest import make_quiz, read_all


def start_buttons(client, quiz):
    html = client.get(reverse("quizzes:detail", args=[quiz.pk])).text
    return [label for label in ("Start final exam", "Start quiz") if f">{label}</button>" in html]


def test_the_final_exam_says_start_final_exam(client, learner, enrollment, course):
    exam = make_quiz(course=course, title="Final exam")
    read_all(enrollment)  # the final exam opens when every module is complete
    client.force_login(learner)
    assert start_buttons(client, exam) == ["Start final exam"]


def test_a_module_quiz_says_start_quiz(client, learner, enrollment, module):
    quiz = make_quiz(module=module)
    client.force_login(learner)
    assert start_buttons(client, quiz) == ["Start quiz"]
