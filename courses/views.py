"""Thin views for enrollment, reading progress and the learner's dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from wagtail import hooks

from .dashboard import course_progress_for
from .enrollment import EnrollmentRefused, enroll
from .path import NextStep, next_step, next_steps
from .progress import learner_progress, mark_complete, record_heartbeat, remaining_seconds


def enroll_view(request, course):
    """POST: enroll the learner; anonymous visitors go to log in and come back."""
    if request.method != "POST":
        return redirect(course.url)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    try:
        _, created = enroll(request.user, course)
    except EnrollmentRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(course.url)
    if created:
        messages.success(request, f"You are enrolled in “{course.title}”.")
    first = course.modules().first()
    return redirect(first.url if first else course.url)


def _learner_progress(request, module):
    return learner_progress(request.user, module, module.course)[1]


def heartbeat_view(request, module):
    """POST from the reading page while its tab is visible: credit seat time."""
    if request.method != "POST":
        return JsonResponse({"detail": "Send heartbeats with POST."}, status=405)
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Log in to record reading time."}, status=401)
    progress = _learner_progress(request, module)
    if progress is None:
        return JsonResponse(
            {"detail": "Enroll in this course to record reading time."}, status=403
        )
    credited = record_heartbeat(progress)
    return JsonResponse(
        {
            "credited_seconds": credited,
            "seconds": progress.seconds_credited,
            "remaining_seconds": remaining_seconds(progress, module, module.course),
            "completed": progress.completed_at is not None,
        }
    )


def complete_view(request, module):
    """POST "Mark module complete": completes it, or says how much reading time is left."""
    if request.method != "POST":
        return redirect(module.url)
    if not request.user.is_authenticated:
        return redirect_to_login(module.url)
    progress = _learner_progress(request, module)
    if progress is None:
        messages.error(request, "Enroll in this course to track your progress.")
        return redirect(module.course.url)
    result = mark_complete(progress, module, module.course)
    if result.completed:
        if result.newly_completed:
            messages.success(request, f"“{module.title}” is complete.")
        step = next_step(request, progress.enrollment, fallback=module.next_module())
        return redirect(step.url if step else module.course.url)
    minutes = result.remaining_minutes
    messages.info(
        request,
        f"Keep reading: about {minutes} more minute{'s' if minutes != 1 else ''} before this "
        "module can be marked complete.",
    )
    return redirect(module.url)


@login_required
@require_GET
def dashboard(request):
    courses = course_progress_for(request.user)
    steps = next_steps(request, [c.enrollment for c in courses if not c.completed])
    for item in courses:
        item.next_step = steps.get(item.enrollment.id) or (
            NextStep(f"Continue: {item.next_module.title}", item.next_module.url)
            if item.next_module
            else None
        )
    panels = [panel(request) for panel in hooks.get_hooks("learner_dashboard_panels")]
    return render(
        request,
        "courses/dashboard.html",
        {
            "in_progress": [c for c in courses if not c.completed],
            "completed": [c for c in courses if c.completed],
            "panels": [panel for panel in panels if panel],
        },
    )
