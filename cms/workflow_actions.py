"""A workflow action (Approve, Request changes) posted twice from the page editor.

One click on Approve sent two POSTs. Wagtail's edit view (wagtail/admin/views/pages/edit.py)
checks that the action is available when the request starts and calls
`page.current_workflow_task.on_action(...)` later; when the other POST finished the task in
between, the current task is None and the second answered 500 (`'NoneType' object has no
attribute 'on_action'`). A second POST that arrives after the first has finished is no error
in Wagtail, but it falls through to "save draft" and makes a revision nobody asked for.

`guard_workflow_actions` wraps the edit view: a workflow action on a page whose task no
longer offers it, or one that loses that race, changes nothing and goes back to the editor
with a message. The action runs in a transaction holding a lock on the page's workflow state
(PostgreSQL), so two at once run one after the other; a loser that still fails is rolled back.
"""

import functools

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from wagtail.models import Page, WorkflowState

ALREADY_DONE = (
    "This review step was already completed, perhaps by a second click or by another "
    "reviewer, so nothing was changed. The page below shows where it stands now."
)


class WorkflowActionGone(Exception):
    """The posted workflow action is no longer available on the page."""


def is_workflow_action(request):
    """Whether the request posts a workflow action (Approve, Request changes...) from the
    page editor."""
    return request.method == "POST" and bool(request.POST.get("action-workflow-action"))


def workflow_action_available(page, user, action_name):
    """Whether `user` may take `action_name` on the page's current workflow task now."""
    task = page.current_workflow_task
    if task is None:
        return False
    return action_name in {name for name, _label, _modal in task.get_actions(page, user)}


def guard_workflow_actions(edit_view):
    """Wrap Wagtail's page edit view as the module docstring says."""

    @functools.wraps(edit_view)
    def wrapped(request, page_id, *args, **kwargs):
        if not is_workflow_action(request):
            return edit_view(request, page_id, *args, **kwargs)
        action_name = request.POST.get("workflow-action-name", "")
        try:
            with transaction.atomic():
                page = Page.objects.filter(pk=page_id).first()
                if page is None:
                    return edit_view(request, page_id, *args, **kwargs)  # Wagtail's 404
                page = page.specific
                # Serialise actions on one page: the second waits here for the first.
                in_progress = WorkflowState.objects.for_instance(page).filter(
                    status=WorkflowState.STATUS_IN_PROGRESS
                )
                list(in_progress.select_for_update())
                page.refresh_from_db()
                if not workflow_action_available(page, request.user, action_name):
                    raise WorkflowActionGone
                try:
                    return edit_view(request, page_id, *args, **kwargs)
                except AttributeError:
                    # The race described above, lost after the check; anything else is
                    # a real error and propagates.
                    if workflow_action_available(page, request.user, action_name):
                        raise
                    raise WorkflowActionGone from None
        except WorkflowActionGone:
            messages.warning(request, ALREADY_DONE)
            return redirect(reverse("wagtailadmin_pages:edit", args=[page_id]))

    return wrapped
