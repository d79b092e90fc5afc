"""The learner's path (quizzes/path.py): the outline's states, and the one next step every page
leads to, step by step from enrollment to the certificate."""

from django.urls import reverse

from courses.models import CoursePage
from courses.path import next_step
from quizzes.completion import course_status, course_statuses
from quizzes.models import Attempt
from quizzes.path import DONE, LOCKED, OPEN, learner_path
from tests.quizzes.conftest import EVALUATION, pass_quiz, read_module, set_gating


def outline(course, enrollment):
    path = learner_path(course, course_status(enrollment))
    return [(s.label, s.state) for s in path.steps], path


def test_the_next_step_walks_the_course_in_order(
    rf, client, learner, course, joined, modules, quizzes, exam
):
    request = rf.get("/")
    evaluation_url = reverse("quizzes:evaluation", args=[course.pk])
    expected = []
    for module, quiz in zip(modules, quizzes, strict=True):
        expected += [
            (f"Read: {module.title}", module.url),
            (f"Take the quiz: {module.title}", reverse("quizzes:detail", args=[quiz.pk])),
        ]
    expected += [
        ("Go to the final exam", reverse("quizzes:detail", args=[exam.pk])),
        ("Evaluate the course", evaluation_url),
    ]
    seen = []
    for _ in range(len(expected)):
        step = next_step(request, joined)
        seen.append((step.text, step.url))
        if step.url == evaluation_url:
            client.force_login(learner)
            client.post(evaluation_url, EVALUATION)
        elif "/quizzes/" in step.url:
            pass_quiz(learner, next(q for q in [*quizzes, exam] if str(q.pk) in step.url))
        else:
            read_module(joined, next(m for m in modules if m.url == step.url))
    assert seen == expected
    assert next_step(request, joined) is None  # every step done
    joined.refresh_from_db()
    assert joined.completed_at is not None


def test_the_outline_marks_each_step_done_open_or_locked(course, joined, modules, quizzes, exam):
    states, path = outline(course, joined)
    assert states[:3] == [
        (modules[0].title, OPEN),
        (f"Quiz: {modules[0].title}", LOCKED),  # strict: the reading comes first
        (modules[1].title, OPEN),
    ]
    assert states[-2:] == [("Final exam", LOCKED), ("Course evaluation", LOCKED)]
    assert path.next.label == modules[0].title
    read_module(joined, modules[0])
    states, _ = outline(course, joined)
    assert states[:2] == [(modules[0].title, DONE), (f"Quiz: {modules[0].title}", OPEN)]


def test_open_gating_opens_every_step_but_the_next_stays_first_in_order(
    course, joined, modules, quizzes, exam
):
    set_gating(course, "open")
    states, path = outline(course, joined)
    assert {state for _, state in states} == {OPEN}
    assert path.next.label == modules[0].title


def test_mark_complete_leads_to_the_modules_quiz_not_the_next_module(
    client, learner, course, joined, modules, quizzes
):
    CoursePage.objects.filter(pk=course.pk).update(require_seat_time=False)
    client.force_login(learner)
    response = client.post(modules[0].url + "complete/")
    assert response.status_code == 302
    assert response.url == reverse("quizzes:detail", args=[quizzes[0].pk])


def test_module_page_says_where_the_learner_is(client, learner, joined, modules, quizzes):
    client.force_login(learner)
    page = client.get(modules[1].url).text
    assert f"Module 2 of {len(modules)}" in page
    assert "Course outline" in page
    assert f'<a class="button" href="{modules[0].url}">Read: {modules[0].title}</a>' in page


def test_dashboard_shows_the_next_step_and_what_is_left(
    client, learner, course, joined, modules, quizzes, exam
):
    for module, quiz in zip(modules, quizzes, strict=True):
        read_module(joined, module)
        pass_quiz(learner, quiz)
    client.force_login(learner)
    page = client.get(reverse("dashboard")).text
    exam_url = reverse("quizzes:detail", args=[exam.pk])
    assert f'href="{exam_url}" aria-label="{course.title}: Go to the final exam"' in page
    assert "Still to do (2)" in page and "<li>Final exam</li>" in page
    assert "<li>Course evaluation</li>" in page


def test_a_finished_course_shows_its_certificate_at_once(
    client, learner, course, joined, modules, quizzes, exam
):
    for module, quiz in zip(modules, quizzes, strict=True):
        read_module(joined, module)
        pass_quiz(learner, quiz)
    pass_quiz(learner, exam)
    client.force_login(learner)
    response = client.post(reverse("quizzes:evaluation", args=[course.pk]), EVALUATION)
    assert response.url == course.url
    page = client.get(course.url).text
    certificate = joined.certificate
    assert "Your certificate is ready" in page
    assert reverse("certificates:pdf", args=[certificate.display_code]) in page
    assert certificate.get_absolute_url() in page
    dashboard = client.get(reverse("dashboard")).text
    assert "You are not taking a course yet" not in dashboard
    assert "No course in progress." in dashboard
    # On a phone the certificate's cells stack as cards; each says what it is.
    assert '<td data-label="CE hours">' in dashboard


def test_statuses_in_bulk_match_one_by_one(learner, course, joined, modules, quizzes, exam):
    read_module(joined, modules[0])
    pass_quiz(learner, quizzes[0])
    assert course_statuses([joined])[joined.id] == course_status(joined)


def test_a_passed_quiz_leads_on_to_the_next_module(client, learner, joined, modules, quizzes):
    read_module(joined, modules[0])
    pass_quiz(learner, quizzes[0])
    attempt = Attempt.objects.get(user=learner, quiz=quizzes[0])
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).text
    assert f'<a class="button" href="{modules[1].url}">Read: {modules[1].title}</a>' in page
    # On the quiz that is itself the next step, the page says so instead of linking to itself.
    read_module(joined, modules[1])
    detail = reverse("quizzes:detail", args=[quizzes[1].pk])
    page = client.get(detail).text
    assert "This is your next step." in page and "Course outline" in page
