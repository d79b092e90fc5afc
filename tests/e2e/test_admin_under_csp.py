"""The Wagtail admin works in the browser under its Content Security Policy: every screen an
administrator uses loads without a policy violation or a script error (the `page` fixture
fails the test on any violation), and the editing tools that rely on scripts still work."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, ModulePage
from quizzes.models import Quiz
from tests.e2e.test_browse_and_edit import admin_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_admin_works_under_its_content_security_policy(page, demo_site):
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    course = CoursePage.objects.get()
    module = ModulePage.objects.get(slug="ischemia")
    quiz = Quiz.objects.first()
    admin_login(page, demo_site.url, "admin@example.com", "demo-admin-password")

    screens = [
        "/admin/",
        f"/admin/pages/{course.pk}/",
        f"/admin/pages/{course.pk}/edit/",
        "/admin/snippets/",
        f"/admin/snippets/quizzes/quiz/edit/{quiz.pk}/",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/workflows/list/",
        "/admin/reports/quizzes/",
        f"/admin/reports/courses/{course.pk}/",
        "/admin/certificates/",
        "/admin/certificates/audit-log/",
        "/admin/redirects/",
        "/admin/settings/cms/providersettings/",
    ]
    for path in screens:
        response = page.goto(demo_site.url + path)
        assert response.ok, f"{path}: {response.status}"
        expect(page.get_by_role("heading").first).to_be_visible()

    # Script-driven editing: inserting a StreamField block, and the live preview.
    page.goto(f"{demo_site.url}/admin/pages/{module.pk}/edit/")
    objectives = page.get_by_text("Start with a verb")
    count = objectives.count()
    page.get_by_role("button", name=re.compile("Insert a block")).first.click()
    expect(objectives).to_have_count(count + 1)
    page.get_by_role("button", name=re.compile("Toggle preview")).click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1, name="Ischemia")).to_be_visible()

    # A script-driven form field: the quiz editor's inline panels add a question.
    page.goto(f"{demo_site.url}/admin/snippets/quizzes/quiz/edit/{quiz.pk}/")
    questions = page.get_by_role("heading", name=re.compile(r"^Question \d+$"))
    before = questions.count()
    page.get_by_role("button", name=re.compile("Add question", re.I)).last.click()
    expect(questions).to_have_count(before + 1)

    assert not errors, "\n".join(errors)
