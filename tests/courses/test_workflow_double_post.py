"""Approve posted twice from the page editor (issue 18, defect 10): the second POST is no
server error and changes nothing."""

from django.contrib.messages import get_messages

from wagtail.admin.views.pages.edit import EditView
from wagtail.models import Revision, WorkflowState

import pytest

from cms.workflow_actions import ALREADY_DONE
from tests.courses.test_editorial import edit_form, edit_url


@pytest.fixture
def submitted(client, instructor, module, settings):
    """The module with an edit submitted to the "Course review" workflow.

    The test client's copy of the editor's StreamField data differs from the browser's in
    details Wagtail reads as an edit, and an edit in review would need approving again; the
    browser posts the blocks unchanged, so here an approval with "changes" is let through."""
    settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = False
    client.force_login(instructor)
    data = edit_form(client, module, summary="Reviewed summary.")
    data["action-submit"] = "action-submit"
    assert client.post(edit_url(module), data).status_code == 302
    state = WorkflowState.objects.get(object_id=str(module.id))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Course review"
    return module


@pytest.fixture
def module(course):
    from courses.models import ModulePage

    return ModulePage.objects.child_of(course).order_by("path").first()


def approve_data(client, page):
    """The editor's form as the Approve button posts it."""
    data = edit_form(client, page.get_latest_revision_as_object())
    # A textarea's first newline belongs to the markup, not to the value.
    data["summary"] = data["summary"].removeprefix("\n")
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    return data


def shown(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_second_approve_after_the_first_changes_nothing(client, admin_user, submitted):
    client.force_login(admin_user)
    data = approve_data(client, submitted)
    first = client.post(edit_url(submitted), data)
    assert first.status_code == 302
    submitted.refresh_from_db()
    assert submitted.summary == "Reviewed summary."
    revisions = Revision.objects.count()

    second = client.post(edit_url(submitted), data)
    assert second.status_code == 302
    assert second["Location"] == edit_url(submitted)
    assert ALREADY_DONE in shown(second)
    assert Revision.objects.count() == revisions  # no draft made by the second click
    state = WorkflowState.objects.get(object_id=str(submitted.id))
    assert state.status == WorkflowState.STATUS_APPROVED


def test_a_second_approve_racing_the_first_is_no_server_error(
    client, admin_user, submitted, monkeypatch
):
    """The double click as the probe saw it: the second POST passed Wagtail's check while
    the first was still running, and the first finished the task before the second acted."""
    client.force_login(admin_user)
    data = approve_data(client, submitted)
    original = EditView.workflow_action_is_valid

    def first_post_finishes_meanwhile(view):
        valid = original(view)
        if valid:
            page = view.page
            page.current_workflow_task.on_action(
                page.current_workflow_task_state, admin_user, "approve"
            )
        return valid

    monkeypatch.setattr(EditView, "workflow_action_is_valid", first_post_finishes_meanwhile)
    client.raise_request_exception = True
    revisions = Revision.objects.count()
    response = client.post(edit_url(submitted), data)
    assert response.status_code == 302
    assert ALREADY_DONE in shown(response)
    # The second POST added nothing. (Here the stand-in for the first POST ran inside the
    # second's transaction, so it was rolled back with it; a real first POST has its own.)
    assert Revision.objects.count() == revisions


def test_one_approve_still_publishes(client, admin_user, submitted):
    client.force_login(admin_user)
    response = client.post(edit_url(submitted), approve_data(client, submitted))
    assert response.status_code == 302
    assert ALREADY_DONE not in shown(response)
    submitted.refresh_from_db()
    assert submitted.live
    assert "Reviewed summary." in client.get(submitted.url).text
