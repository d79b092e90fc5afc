"""The authorization matrix: every URL the project defines, requested by an anonymous
visitor, learner A (who owns the records in play), learner B, an instructor and an
administrator, with the status each must get. A URL added without a row here fails the test.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import pytest

from accounts.confirmation import make_token as confirmation_token
from accounts.unsubscribe import make_token as unsubscribe_token
from certificates.models import Certificate
from courses.enrollment import enroll
from courses.models import CoursePage, ModulePage, ModuleProgress
from courses.progress import record_view
from courses.roles import INSTRUCTORS
from quizzes.attempts import start_attempt
from quizzes.completion import record_completion_if_complete
from quizzes.models import CourseEvaluation
from tests.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz

ROLES = ("anonymous", "learner_a", "learner_b", "instructor", "admin")


@dataclass
class World:
    course: CoursePage
    module: ModulePage
    quiz: object
    attempt: object
    certificate: Certificate
    users: dict


@pytest.fixture
def world(catalog, django_capture_on_commit_callbacks):
    course = build_course(catalog, modules=2, title="Matrix course", evaluation_required=False)
    module = ModulePage.objects.child_of(course).first()
    learner_a = UserFactory(email="a@example.com")
    learner_b = UserFactory(email="b@example.com")
    instructor = UserFactory(email="teacher@example.com")
    instructor.groups.add(Group.objects.get(name=INSTRUCTORS))
    admin = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    enrollment, _ = enroll(learner_a, course)
    enroll(learner_b, course)
    for page in ModulePage.objects.child_of(course):
        progress = record_view(enrollment, page)
        ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        record_completion_if_complete(enrollment)
    quiz = make_quiz(module=module, max_attempts=5)  # added after A completed the course
    attempt = start_attempt(learner_a, quiz)
    users = {
        "anonymous": None,
        "learner_a": learner_a,
        "learner_b": learner_b,
        "instructor": instructor,
        "admin": admin,
    }
    return World(
        course, module, quiz, attempt, Certificate.objects.get(enrollment=enrollment), users
    )


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# Statuses, in ROLES order: anonymous, learner A, learner B, instructor, administrator.
# 302 for a signed-out visitor (or a signed-in one outside the admin) is the login redirect;
# 404 where a record belongs to someone else, so its existence is not revealed either.
ANYONE = (200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200)
SIGNED_OUT_ONLY = (200, 302, 302, 302, 302)
NOBODY_BY_GET = (405, 405, 405, 405, 405)
NOT_FOUND = (404, 404, 404, 404, 404)
OWNER_ONLY = (302, 200, 404, 404, 404)
EDITORS = (302, 302, 302, 200, 200)
ADMINS = (302, 302, 302, 302, 200)
# The verification desk: association staff and administrators; others signed in get a 403
# page saying who it is for (tests/certificates/test_verification_desk.py covers the staff).
DESK = (302, 403, 403, 403, 200)


def rows(w):
    code = w.certificate.display_code
    attempt = w.attempt.pk
    course, module = w.course, w.module
    catalog = course.get_parent()
    home = catalog.get_parent()
    site = home.get_site()
    learner_a = w.users["learner_a"]
    return [
        # url name, method, path, expected statuses
        ("accounts:signup", "GET", reverse("accounts:signup"), SIGNED_OUT_ONLY),
        ("accounts:signup_sent", "GET", reverse("accounts:signup_sent"), ANYONE),
        # Wagtail's admin password reset, routed to ours (rate limits, admin users only).
        ("wagtailadmin_password_reset", "GET", reverse("wagtailadmin_password_reset"), ANYONE),
        ("accounts:login", "GET", reverse("accounts:login"), SIGNED_OUT_ONLY),
        ("accounts:logout", "GET", reverse("accounts:logout"), NOBODY_BY_GET),
        ("accounts:profile", "GET", reverse("accounts:profile"), SIGNED_IN),
        ("accounts:delete_account", "GET", reverse("accounts:delete_account"), SIGNED_IN),
        ("accounts:password_reset", "GET", reverse("accounts:password_reset"), ANYONE),
        ("accounts:password_reset_done", "GET", reverse("accounts:password_reset_done"), ANYONE),
        (
            "accounts:password_reset_confirm",
            "GET",
            reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]),
            ANYONE,  # the "this link is invalid" page
        ),
        (
            "accounts:password_reset_complete",
            "GET",
            reverse("accounts:password_reset_complete"),
            ANYONE,
        ),
        # Email links: the signed token is the authority, so anyone holding it sees the page
        # (a GET changes nothing; the POST confirms or unsubscribes).
        (
            "accounts:confirm_email",
            "GET",
            reverse("accounts:confirm_email", args=[confirmation_token(learner_a)]),
            ANYONE,
        ),
        (
            "accounts:resend_confirmation",
            "GET",
            reverse("accounts:resend_confirmation"),
            (302, *NOBODY_BY_GET[1:]),
        ),
        (
            "accounts:unsubscribe",
            "GET",
            reverse(
                "accounts:unsubscribe", args=[unsubscribe_token(learner_a, "course_reminder")]
            ),
            ANYONE,
        ),
        ("quizzes:detail", "GET", reverse("quizzes:detail", args=[w.quiz.pk]), SIGNED_IN),
        (
            "quizzes:start",
            "GET",
            reverse("quizzes:start", args=[w.quiz.pk]),
            (302, *NOBODY_BY_GET[1:]),
        ),
        ("quizzes:take", "GET", reverse("quizzes:take", args=[attempt]), OWNER_ONLY),
        (
            "quizzes:take",
            "POST",
            reverse("quizzes:take", args=[attempt]),
            (302, 302, 404, 404, 404),
        ),
        (
            "quizzes:result",
            "GET",
            reverse("quizzes:result", args=[attempt]),
            (302, 302, 404, 404, 404),
        ),
        # Learners reach their own evaluation; staff, not enrolled, have none.
        (
            "quizzes:evaluation",
            "GET",
            reverse("quizzes:evaluation", args=[course.pk]),
            (302, 200, 200, 404, 404),
        ),
        ("api-v1:openapi-json", "GET", "/api/v1/openapi.json", ANYONE),
        ("api-v1:openapi-view", "GET", "/api/v1/docs", ANYONE),
        ("api-v1:verify_credential", "GET", "/api/v1/credentials/verify", NOBODY_BY_GET),
        ("api-v1:verify_many", "GET", "/api/v1/certificates/verify", NOBODY_BY_GET),
        ("api-v1:get_certificate", "GET", f"/api/v1/certificates/{code}", ANYONE),
        ("api-v1:api-root", "GET", "/api/v1/", NOT_FOUND),
        ("certificates:verify", "GET", reverse("certificates:verify"), ANYONE),
        (
            "certificates:verify_code",
            "GET",
            reverse("certificates:verify_code", args=[code]),
            ANYONE,
        ),
        (
            "certificates:verification_desk",
            "GET",
            reverse("certificates:verification_desk"),
            DESK,
        ),
        # Whoever holds the code may fetch the PDF and the credential: that is how verifiers
        # check them. The code is 80 random bits.
        ("certificates:pdf", "GET", reverse("certificates:pdf", args=[code]), ANYONE),
        (
            "certificates:credential",
            "GET",
            reverse("certificates:credential", args=[code]),
            ANYONE,
        ),
        ("certificates:issuer", "GET", reverse("certificates:issuer"), ANYONE),
        (
            "certificates:status_list",
            "GET",
            reverse("certificates:status_list", args=["1"]),
            ANYONE,
        ),
        ("certificates:transcript_csv", "GET", reverse("certificates:transcript_csv"), SIGNED_IN),
        ("certificates:transcript_pdf", "GET", reverse("certificates:transcript_pdf"), SIGNED_IN),
        ("search", "GET", "/search/?q=module", ANYONE),
        ("dashboard", "GET", reverse("dashboard"), SIGNED_IN),
        ("healthz", "GET", reverse("healthz"), ANYONE),
        ("favicon", "GET", reverse("favicon"), ANYONE),
        ("apple-touch-icon", "GET", reverse("apple-touch-icon"), ANYONE),
        ("wagtaildocs_serve", "GET", "/documents/999/missing.pdf", NOT_FOUND),
        (
            "wagtaildocs_authenticate_with_password",
            "GET",
            "/documents/authenticate_with_password/999/",
            NOT_FOUND,
        ),
        (
            "wagtailcore_authenticate_with_password",
            "GET",
            "/_util/authenticate_with_password/999/1/",
            NOT_FOUND,
        ),
        ("wagtailcore_login", "GET", "/_util/login/", ANYONE),
        ("wagtail_serve", "GET", home.url, ANYONE),
        ("wagtail_serve", "GET", catalog.url, ANYONE),
        ("wagtail_serve", "GET", catalog.url + "principles/", ANYONE),
        ("wagtail_serve", "GET", course.url, ANYONE),
        ("wagtail_serve", "GET", course.url + "enroll/", (302, 302, 302, 302, 302)),
        ("wagtail_serve", "GET", module.url, ANYONE),
        ("wagtail_serve", "GET", module.url + "heartbeat/", NOBODY_BY_GET),
        ("wagtail_serve", "GET", module.url + "complete/", (302, 302, 302, 302, 302)),
        # The project's own admin screens.
        ("quiz_reports", "GET", reverse("quiz_reports"), EDITORS),
        ("quiz_report", "GET", reverse("quiz_report", args=[w.quiz.pk]), EDITORS),
        ("course_reports", "GET", reverse("course_reports"), ADMINS),
        ("course_report", "GET", reverse("course_report", args=[course.pk]), ADMINS),
        ("certificate_admin_list", "GET", reverse("certificate_admin_list"), ADMINS),
        (
            "certificate_admin_list_results",
            "GET",
            reverse("certificate_admin_list_results"),
            ADMINS,
        ),
        (
            "certificate_admin_detail",
            "GET",
            reverse("certificate_admin_detail", args=[w.certificate.pk]),
            ADMINS,
        ),
        ("api_key_admin", "GET", reverse("api_key_admin"), ADMINS),
        ("audit_log_admin", "GET", reverse("audit_log_admin"), ADMINS),
        ("audit_log_admin_results", "GET", reverse("audit_log_admin_results"), ADMINS),
        ("audit_log_admin", "GET", reverse("audit_log_admin") + "?export=csv", ADMINS),
        ("roster_export_admin", "GET", reverse("roster_export_admin"), ADMINS),
        # Wagtail's admin: instructors reach the course tree, images and quiz authoring only.
        ("wagtailadmin_home", "GET", reverse("wagtailadmin_home"), EDITORS),
        (
            "wagtailadmin_explore",
            "GET",
            reverse("wagtailadmin_explore", args=[catalog.pk]),
            EDITORS,
        ),
        (
            "wagtailadmin_pages:edit",
            "GET",
            reverse("wagtailadmin_pages:edit", args=[module.pk]),
            EDITORS,
        ),
        (
            "wagtailadmin_pages:edit",
            "GET",
            reverse("wagtailadmin_pages:edit", args=[home.pk]),
            ADMINS,
        ),
        # The same editor, through our guard against workflow actions posted twice.
        ("page_edit_guarded", "GET", reverse("page_edit_guarded", args=[module.pk]), EDITORS),
        ("page_edit_guarded", "GET", reverse("page_edit_guarded", args=[home.pk]), ADMINS),
        # Wagtail's user listing's results, with our export columns (accounts/viewsets.py).
        (
            "wagtailusers_users:index_results",
            "GET",
            reverse("wagtailusers_users:index_results"),
            ADMINS,
        ),
        (
            "wagtailsnippets_quizzes_quiz:list",
            "GET",
            reverse("wagtailsnippets_quizzes_quiz:list"),
            EDITORS,
        ),
        (
            "wagtailsnippets_quizzes_quiz:add",
            "GET",
            reverse("wagtailsnippets_quizzes_quiz:add"),
            EDITORS,
        ),
        (
            "wagtailsnippets_quizzes_quiz:edit",
            "GET",
            reverse("wagtailsnippets_quizzes_quiz:edit", args=[w.quiz.pk]),
            EDITORS,
        ),
        ("accommodations:index", "GET", reverse("accommodations:index"), ADMINS),
        ("accommodations:add", "GET", reverse("accommodations:add"), ADMINS),
        ("wagtailimages:index", "GET", reverse("wagtailimages:index"), EDITORS),
        ("wagtailusers_users:index", "GET", reverse("wagtailusers_users:index"), ADMINS),
        (
            "wagtailusers_users:edit",
            "GET",
            reverse("wagtailusers_users:edit", args=[learner_a.pk]),
            ADMINS,
        ),
        (
            "wagtailsettings:edit",
            "GET",
            reverse("wagtailsettings:edit", args=["cms", "providersettings", site.pk]),
            ADMINS,
        ),
        ("wagtailadmin_workflows:index", "GET", reverse("wagtailadmin_workflows:index"), ADMINS),
        ("wagtailredirects:index", "GET", reverse("wagtailredirects:index"), ADMINS),
    ]


PROJECT_APPS = {"cms", "accounts", "courses", "quizzes", "certificates"}


def project_url_names():
    """Every named URL outside Wagtail's own admin, plus the admin screens our apps add."""
    names = set()

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith(("django.views.static", "django.contrib.staticfiles")):
                    continue  # DEBUG's own static and media serving, never in production
                if prefix.startswith("admin/") and module.split(".")[0] not in PROJECT_APPS:
                    continue  # Wagtail's own admin: sampled in the rows instead
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_project_url_has_a_row(world):
    covered = {name for name, *_ in rows(world)}
    missing = project_url_names() - covered
    assert not missing, f"URLs without an authorization row: {sorted(missing)}"


def test_the_authorization_matrix(world):
    clients = {role: client_for(user) for role, user in world.users.items()}
    wrong = []
    for name, method, url, expected in rows(world):
        for role, status in zip(ROLES, expected, strict=True):
            response = getattr(clients[role], method.lower())(url)
            if response.status_code != status:
                wrong.append(
                    f"{role} {method} {url} ({name}): {response.status_code}, not {status}"
                )
            elif status == 302 and role == "anonymous" and name != "wagtail_serve":
                assert "login" in response["Location"], (name, response["Location"])
    assert not wrong, "\n".join(wrong)


def test_project_url_walk_finds_the_projects_urls(world):
    names = project_url_names()
    assert {"dashboard", "quizzes:take", "api-v1:get_certificate", "course_report"} <= names
    assert "wagtailusers_users:edit" not in names  # Wagtail's own, sampled above instead


def test_no_learner_sees_anothers_records(world):
    a, b = world.users["learner_a"], world.users["learner_b"]
    code = world.certificate.display_code
    as_b = client_for(b)
    for url in (
        "/dashboard/",
        reverse("certificates:transcript_csv"),
        reverse("accounts:profile"),
    ):
        text = as_b.get(url).content.decode()
        assert code not in text and a.email not in text and a.legal_name not in text, url
    as_a = client_for(a)
    assert code in as_a.get(reverse("certificates:transcript_csv")).content.decode()


def test_another_learners_attempt_cannot_be_changed(world):
    attempt = world.attempt
    question = attempt.snapshot["questions"][0]
    answer = {f"q{question['id']}": [str(question["choices"][0]["id"])], "action": "submit"}
    for role in ("learner_b", "instructor", "admin"):
        response = client_for(world.users[role]).post(
            reverse("quizzes:take", args=[attempt.pk]), answer
        )
        assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.answers == {} and attempt.submitted_at is None


def test_an_evaluation_is_only_ever_the_signed_in_learners(world):
    a, b = world.users["learner_a"], world.users["learner_b"]
    CourseEvaluation.objects.all().delete()
    client_for(b).post(
        reverse("quizzes:evaluation", args=[world.course.pk]),
        {"user": a.pk, "enrollment": 1, "comments": "Posted by B"},
    )
    assert not CourseEvaluation.objects.filter(enrollment__user=a).exists()
