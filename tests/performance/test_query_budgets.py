"""Query budgets: every key page and API answers in a fixed number of queries, the same for
a small and a ten-times larger site (modules, learners, attempts, certificates), and within
the budget written here. An N+1 regression fails this test.

Pages are measured with the anonymous page cache off (PAGE_CACHE_SECONDS=0), so these are
the costs of a render; a kept copy costs none (tests/cms/test_page_cache.py).
"""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view
from quizzes.attempts import start_attempt, submit
from quizzes.completion import record_completion_if_complete
from quizzes.models import Attempt
from tests.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz, right_answers, wrong_answers

# Budgets are today's counts: a page that needs more must say so here. Wagtail pages are
# measured with their route and rendered parts kept (cms/routing.py, cms/kept.py).
BUDGETS = {
    "catalog": 4,
    "course (anonymous)": 7,  # + the modules' bodies, for the bibliography
    "module (anonymous)": 0,  # page, route and fragments kept; no session
    # session, user, progress with enrollment; the learner's standing for the outline and the
    # next step: progress, passed attempts and evaluation in one query (the course's modules
    # and quizzes are kept under the content generation: quizzes.completion)
    "module (learner)": 4,
    "dashboard": 7,
    # + the learner's standing for the outline and the next step (one query); the course is
    # kept for the content generation (courses.models.kept_courses)
    "quiz take": 8,
    "quiz result": 9,
    # The audit row is always one INSERT, with or without Redis (certificates/audit.py).
    "verify page": 1,  # session-free: look-up and site settings kept; the audit row
    "API one code": 1,  # the audit row; the certificate comes from the cache (DESIGN: <= 3)
    "API bulk": 1,  # the audit rows, in one statement; certificates from the cache
    "transcript CSV": 3,
    "admin quiz report": 8,
    "admin course report": 15,  # + the completion funnel (one aggregate query, all stages)
    # and the minutes learners say the course took
    "admin certificate list": 8,
    # The admin lists are Wagtail reports (cms/admin_reports.py); these were the counts of the
    # home-made views they replaced.
    "admin certificate search": 8,
    "admin verification log": 8,
    "admin verification log CSV": 4,
    "admin quiz list": 7,
    "admin course list": 7,
}


def build_site(catalog, size, django_capture_on_commit_callbacks):
    """`size` courses' worth of modules, 3*size learners with attempts and certificates."""
    courses = [
        build_course(
            catalog, modules=2 * size, title=f"Size {size} course {n}", evaluation_required=False
        )
        for n in range(max(1, size // 2))
    ]
    course = courses[0]
    modules = list(ModulePage.objects.child_of(course))
    quiz = make_quiz(module=modules[0], questions=2 * size, max_attempts=100)
    # A renewal target, so the dashboard draws its CE meter (no query of its own).
    me = UserFactory(
        email=f"me{size}@example.com",
        ce_hours_required=24,
        renewal_due_on=timezone.localdate() + timedelta(days=300),
    )
    learners = [me] + [UserFactory() for _ in range(3 * size)]
    for learner in learners:
        for other in courses:
            enrollment, _ = enroll(learner, other)
            for module in ModulePage.objects.child_of(other):
                progress = record_view(enrollment, module)
                ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
        enrollment = learner.enrollments.get(course=course)
        failed = start_attempt(learner, quiz)
        submit(failed, wrong_answers(failed))
        passed = start_attempt(learner, quiz)
        submit(passed, right_answers(passed))
        with django_capture_on_commit_callbacks(execute=True):
            for any_enrollment in learner.enrollments.all():
                record_completion_if_complete(any_enrollment)
    return {
        "course": course,
        "module": modules[-1],
        "quiz": quiz,
        "me": me,
        "attempt": Attempt.objects.filter(user=me, passed=True).first(),
        "certificate": Certificate.objects.filter(user=me).first(),
        "codes": list(Certificate.objects.values_list("code", flat=True)[:50]),
    }


def requests(site):
    code = site["certificate"].display_code
    return {
        "catalog": (None, "get", site["course"].get_parent().url, {}),
        "course (anonymous)": (None, "get", site["course"].url, {}),
        "module (anonymous)": (None, "get", site["module"].url, {}),
        "module (learner)": ("me", "get", site["module"].url, {}),
        "dashboard": ("me", "get", reverse("dashboard"), {}),
        "quiz take": ("me", "get", reverse("quizzes:detail", args=[site["quiz"].pk]), {}),
        "quiz result": ("me", "get", reverse("quizzes:result", args=[site["attempt"].pk]), {}),
        "verify page": (None, "get", reverse("certificates:verify_code", args=[code]), {}),
        "API one code": (None, "get", f"/api/v1/certificates/{code}", {}),
        "API bulk": (
            None,
            "post",
            "/api/v1/certificates/verify",
            {"data": {"codes": site["codes"]}, "content_type": "application/json"},
        ),
        "transcript CSV": ("me", "get", reverse("certificates:transcript_csv"), {}),
        "admin quiz report": ("admin", "get", reverse("quiz_report", args=[site["quiz"].pk]), {}),
        "admin course report": (
            "admin",
            "get",
            reverse("course_report", args=[site["course"].pk]),
            {},
        ),
        "admin certificate list": ("admin", "get", reverse("certificate_admin_list"), {}),
        "admin certificate search": (
            "admin",
            "get",
            reverse("certificate_admin_list"),
            {"data": {"q": "course"}},
        ),
        "admin verification log": ("admin", "get", reverse("audit_log_admin"), {}),
        "admin verification log CSV": (
            "admin",
            "get",
            reverse("audit_log_admin"),
            {"data": {"export": "csv"}},
        ),
        "admin quiz list": ("admin", "get", reverse("quiz_reports"), {}),
        "admin course list": ("admin", "get", reverse("course_reports"), {}),
    }


def measure(site, admin):
    counts = {}
    for name, (who, method, url, kwargs) in requests(site).items():
        client = Client()
        if who == "me":
            client.force_login(site["me"])
        elif who == "admin":
            client.force_login(admin)
        for _ in range(2):  # warm caches (per-process ones, kept navigation and look-ups)
            getattr(client, method)(url, **kwargs)
        with CaptureQueriesContext(connection) as ctx:
            response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(ctx)
    return counts


def test_query_budgets_hold_at_two_sizes(
    catalog, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.API_RATE_LIMIT_ANONYMOUS = 10**6
    small = measure(build_site(catalog, 2, django_capture_on_commit_callbacks), admin_user)
    large = measure(build_site(catalog, 10, django_capture_on_commit_callbacks), admin_user)
    assert small == large, {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    over = {k: (v, BUDGETS[k]) for k, v in large.items() if v > BUDGETS[k]}
    assert not over, over
