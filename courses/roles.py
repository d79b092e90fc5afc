"""Editorial roles for the course tree: who may edit, who approves, and the review workflow."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .signals import editorial_roles_ensured

INSTRUCTORS = "Instructors"
REVIEWERS = "Reviewers"
COURSE_WORKFLOW = "Course review"

INSTRUCTOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")
REVIEWER_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "publish_page", "unlock_page")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


def _page_permission(codename):
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=codename
    )


def _grant_pages(group, page, codenames):
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_page_permission(codename)
        )


def _grant_images(group):
    root = Collection.get_first_root_node()
    for codename in IMAGE_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailimages", codename=codename
            ),
        )


@transaction.atomic
def ensure_editorial_roles(catalog):
    """Create (or complete) the Instructors and Reviewers groups and the course workflow.

    Instructors may add and edit pages in the course tree and submit them for review, but may
    not publish, and have no rights on the home page or the site settings. Reviewers (and
    administrators) approve through the "Course review" workflow assigned to the catalog (and,
    by the receivers of `editorial_roles_ensured`, to what higher apps own: quizzes).
    Safe to run any number of times.
    """
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    instructors, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    for group, codenames in (
        (instructors, INSTRUCTOR_PAGE_PERMISSIONS),
        (reviewers, REVIEWER_PAGE_PERMISSIONS),
    ):
        group.permissions.add(access_admin)
        _grant_pages(group, catalog, codenames)
        _grant_images(group)

    workflow, _ = Workflow.objects.get_or_create(name=COURSE_WORKFLOW, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name="Reviewer approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Reviewer approval")
    task.groups.add(reviewers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=catalog, defaults={"workflow": workflow})
    editorial_roles_ensured.send(
        sender=Group, instructors=instructors, reviewers=reviewers, workflow=workflow
    )
    return instructors, reviewers, workflow
