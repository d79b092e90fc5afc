"""Thin views for taking quizzes and submitting the course evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from courses.enrollment import enrollment_for
from courses.models import CoursePage

from .accommodations import describe
from .attempts import (
    AttemptRefused,
    InvalidAnswers,
    close_if_expired,
    questions_served,
    save_answers,
    start_attempt,
    start_state,
    submit,
)
from .completion import course_status, course_status_in, record_completion_if_complete
from .forms import EvaluationForm
from .gating import evaluation_gate, quiz_gate
from .models import Attempt, CourseEvaluation, Quiz
from .path import path_context
from .review import build_review, missed_objectives

ANSWER_PREFIX = "q-"


def _own_attempt(request, attempt_id):
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz"), pk=attempt_id, user=request.user
    )
    return close_if_expired(attempt)


def _live_quiz(quiz_id):
    """A quiz learners may be served: the live version only (drafts live in revisions)."""
    return get_object_or_404(Quiz.objects.live().select_related("module"), pk=quiz_id)


@login_required
@require_http_methods(["GET"])
def quiz_detail(request, quiz_id):
    quiz = _live_quiz(quiz_id)
    course = quiz.course_page()
    enrollment = enrollment_for(request.user, course)
    state = None
    if enrollment:
        state = start_state(request.user, quiz, gate=quiz_gate(enrollment, quiz, course))
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "course": course,
            "enrollment": enrollment,
            "state": state,
            "attempts": state.attempts if state else (),
            "grants": [(g, describe(g)) for g in state.allowance.grants] if state else [],
            "question_count": questions_served(quiz),
            **path_context(enrollment, course),
        },
    )


@login_required
@require_POST
def start(request, quiz_id):
    quiz = _live_quiz(quiz_id)
    try:
        attempt = start_attempt(request.user, quiz)
    except AttemptRefused as refusal:
        if not refusal.passed:  # a pass is not an error: the quiz page says it, as a success
            messages.error(request, str(refusal))
        return redirect("quizzes:detail", quiz_id=quiz.pk)
    return redirect("quizzes:take", attempt_id=attempt.pk)


def submitted_answers(post):
    """{question id: [choice ids]} from the form's q-<question id> fields."""
    return {
        key[len(ANSWER_PREFIX) :]: post.getlist(key)
        for key in post
        if key.startswith(ANSWER_PREFIX)
    }


@login_required
@require_http_methods(["GET", "POST"])
def take(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if attempt.status != Attempt.OPEN:
        closed = (
            "Time was up: your attempt was scored with your saved answers."
            if attempt.closed_by_deadline
            else "This attempt has been submitted."
        )
        if request.method == "POST" and wants_json:
            # A background save after the deadline: say so in JSON, not with a page.
            result_url = reverse("quizzes:result", args=[attempt.pk])
            body = {"saved": False, "status": attempt.status, "detail": closed}
            return JsonResponse({**body, "result_url": result_url}, status=409)
        if attempt.closed_by_deadline and request.method == "POST":
            messages.info(request, closed)
        return redirect("quizzes:result", attempt_id=attempt.pk)
    if request.method == "POST":
        answers = submitted_answers(request.POST)
        try:
            if "submit" in request.POST:
                submit(attempt, answers)
                return redirect("quizzes:result", attempt_id=attempt.pk)
            attempt = save_answers(attempt, answers)
        except InvalidAnswers as error:
            if wants_json:
                return JsonResponse({"detail": str(error)}, status=400)
            return HttpResponseBadRequest(
                render(request, "quizzes/invalid_answers.html", {"error": error}).content
            )
        if wants_json:
            return JsonResponse(
                {"saved": attempt.status == Attempt.OPEN, "status": attempt.status}
            )
        messages.success(request, "Your answers are saved.")
        return redirect("quizzes:take", attempt_id=attempt.pk)
    return render(request, "quizzes/take.html", {"attempt": attempt, "quiz": attempt.quiz})


@login_required
@require_http_methods(["GET"])
def result(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.OPEN:
        return redirect("quizzes:take", attempt_id=attempt.pk)
    quiz = attempt.quiz
    course = quiz.course_page()
    enrollment = attempt.enrollment
    status = course_status_in(enrollment, course)
    if attempt.passed:
        # Completion is recorded right after scoring; if a crash came in between, the
        # result page (the very next request) records it.
        record_completion_if_complete(enrollment, status=status)
    # The gate was open for this attempt; starting another asks it again (start_attempt).
    state = start_state(request.user, quiz)
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "review": build_review(quiz, attempt, state.passed),
            "missed_objectives": missed_objectives(quiz, attempt, state.passed),
            "state": state,
            "course": course,
            **path_context(enrollment, course, status),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request, course_id):
    course = get_object_or_404(CoursePage, pk=course_id)
    enrollment = enrollment_for(request.user, course)
    if enrollment is None:
        raise Http404("Not enrolled")
    if CourseEvaluation.objects.filter(enrollment=enrollment).exists():
        messages.info(request, "You have already evaluated this course. Thank you.")
        return redirect(course.url)
    gate = evaluation_gate(course, course_status(enrollment))
    if not gate.open:
        status = 403 if request.method == "POST" else 200
        context = {"gate": gate, "course": course, "step": "Course evaluation"}
        return render(request, "quizzes/step_closed.html", context, status=status)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save_for(enrollment)
        record_completion_if_complete(enrollment)
        messages.success(request, "Thank you for evaluating the course.")
        return redirect(course.url)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "quizzes/evaluation.html", {"form": form, "course": course}, status=status
    )
