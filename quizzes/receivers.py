"""Signal receivers: the quiz app reacts to what the courses app announces."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from wagtail.models import WorkflowContentType

from courses.signals import course_imported, editorial_roles_ensured, module_completed

from .completion import record_completion_if_complete
from .content_import import import_quizzes
from .models import Quiz
from .signals import quiz_passed


@receiver(module_completed)
def check_course_after_module(sender, progress, **kwargs):
    record_completion_if_complete(progress.enrollment)


@receiver(quiz_passed)
def check_course_after_quiz(sender, attempt, **kwargs):
    record_completion_if_complete(attempt.enrollment)


@receiver(course_imported)
def import_course_quizzes(sender, source, course, **kwargs):
    import_quizzes(source, course)


# Quiz authoring for the editorial groups. Quizzes are drafts with revisions under the same
# "Course review" workflow as the course pages: instructors add, change and view quizzes (their
# questions and choices are edited inline), lock one while they work on it, save drafts and
# submit them for review, but never publish; reviewers also publish (approving in the workflow
# publishes) and unlock. Deleting stays with administrators, since attempts refer to quizzes.
INSTRUCTOR_QUIZ_PERMISSIONS = ("add_quiz", "change_quiz", "view_quiz", "lock_quiz")
REVIEWER_QUIZ_PERMISSIONS = (*INSTRUCTOR_QUIZ_PERMISSIONS, "unlock_quiz", "publish_quiz")


def _quiz_permissions(codenames):
    return Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Quiz), codename__in=codenames
    )


@receiver(editorial_roles_ensured)
def grant_quiz_authoring(sender, instructors, reviewers, workflow, **kwargs):
    instructors.permissions.add(*_quiz_permissions(INSTRUCTOR_QUIZ_PERMISSIONS))
    reviewers.permissions.add(*_quiz_permissions(REVIEWER_QUIZ_PERMISSIONS))
    # Snippets take their workflow from their content type (pages from the tree).
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(Quiz, for_concrete_model=False),
        defaults={"workflow": workflow},
    )
