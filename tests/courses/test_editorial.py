"""The instructor's CMS: what instructors may do, and edits going through review."""

from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

import pytest

from cms.models import ProviderSettings
from courses.ce_hours import CEHourEstimate
from courses.models import CoursePage, ModulePage


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.id])


def _stream_form_data(page):
    """StreamFields are drawn by JavaScript, so their form data is built from the page."""
    body = []
    for block in page.body:
        if block.block_type == "text":
            body.append(("text", rich_text(block.value.source)))
        elif block.block_type == "callout":
            value = dict(block.value, body=rich_text(block.value["body"].source))
            body.append(("callout", value))
    objectives = [("objective", block.value) for block in page.objectives]
    return nested_form_data({"body": streamfield(body), "objectives": streamfield(objectives)})


def edit_form(client, page, **changes):
    response = client.get(edit_url(page))
    assert response.status_code == 200
    data = querydict_from_html(response.text, form_id="page-edit-form")
    if isinstance(page, ModulePage):
        data.update(_stream_form_data(page))
    for name, value in changes.items():
        data[name] = value
    return data


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).order_by("path").first()


def test_instructor_can_open_the_editor_for_courses_and_modules(client, instructor, module):
    client.force_login(instructor)
    assert client.get(edit_url(module)).status_code == 200
    assert client.get(edit_url(module.get_parent())).status_code == 200
    add_module = reverse(
        "wagtailadmin_pages:add", args=["courses", "modulepage", module.get_parent().id]
    )
    assert client.get(add_module).status_code == 200


def test_instructor_cannot_touch_the_home_page_or_site_settings(client, instructor, home):
    client.force_login(instructor)
    response = client.get(edit_url(home))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    settings_url = reverse(
        "wagtailsettings:edit", args=["cms", "providersettings", home.get_site().id]
    )
    assert client.get(settings_url).status_code in (302, 403)


def test_instructor_publish_is_ignored_and_saves_a_draft(client, instructor, module):
    client.force_login(instructor)
    data = edit_form(client, module, summary="Sneaky publish.")
    data["action-publish"] = "action-publish"
    client.post(edit_url(module), data)
    module.refresh_from_db()
    assert module.summary != "Sneaky publish."
    assert module.has_unpublished_changes


def test_learners_cannot_reach_the_admin(client, learner, module):
    client.force_login(learner)
    response = client.get(edit_url(module))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_edit_goes_through_review_to_publication(client, instructor, admin_user, module):
    client.force_login(instructor)
    data = edit_form(client, module, summary="Reviewed summary for learners.")
    data["action-submit"] = "action-submit"
    response = client.post(edit_url(module), data)
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.summary != "Reviewed summary for learners."
    state = WorkflowState.objects.get(object_id=str(module.id))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Course review"

    # The instructor can't approve their own submission.
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[module.id, "approve", state.current_task_state.id],
    )
    client.post(approve)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    client.force_login(admin_user)
    response = client.post(approve)
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    module.refresh_from_db()
    assert module.summary == "Reviewed summary for learners."
    assert "Reviewed summary for learners." in client.get(module.url).text


def test_reviewer_can_approve_too(client, instructor, reviewer, module):
    client.force_login(instructor)
    data = edit_form(client, module, title="Renamed module")
    data["action-submit"] = "action-submit"
    client.post(edit_url(module), data)
    state = WorkflowState.objects.get(object_id=str(module.id))
    client.force_login(reviewer)
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[module.id, "approve", state.current_task_state.id],
        )
    )
    module.refresh_from_db()
    assert module.title == "Renamed module"


def test_preview_of_a_module_renders(client, instructor, module):
    client.force_login(instructor)
    for _ in range(2):  # the live page's parts are rendered and kept
        assert module.summary in client.get(module.url).text
    data = edit_form(client, module, summary="Preview-only summary.")
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[module.id])
    assert client.post(preview, data).json()["is_valid"] is True
    response = client.get(preview)
    assert response.status_code == 200
    assert "Preview-only summary." in response.text


def test_course_editor_shows_the_ce_hour_estimate(client, admin_user, course):
    client.force_login(admin_user)
    text = client.get(edit_url(course)).text
    estimate = CoursePage.objects.get(id=course.id).ce_hour_estimate()
    assert "data-ce-estimate" in text
    assert f"Estimated {estimate.hours} CE hours" in text
    assert "Claimed: 1.00 CE hours" in text


def test_ce_hour_estimate_rule():
    assert CEHourEstimate(words=12_000, media_minutes=0).hours == 1
    assert CEHourEstimate(words=6_000, media_minutes=30).hours == 1
    assert CEHourEstimate(words=3_000, media_minutes=0).compare(1) == (
        "more than the content supports"
    )
    assert CEHourEstimate(words=11_000, media_minutes=0).compare(1) == "in line with the content"


def test_demo_course_claims_what_its_content_supports(db):
    from django.core.management import call_command

    call_command("setup_demo")
    course = CoursePage.objects.get(slug="nmt-foundations")
    estimate = course.ce_hour_estimate()
    assert estimate.words > 10_000
    assert estimate.compare(course.ce_hours) == "in line with the content"


def test_provider_settings_are_editable_by_administrators(client, admin_user, home):
    client.force_login(admin_user)
    url = reverse("wagtailsettings:edit", args=["cms", "providersettings", home.get_site().id])
    assert client.get(url).status_code == 200
    assert ProviderSettings.for_site(home.get_site()).provider_name
