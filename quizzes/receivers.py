"""Signal receivers: the quiz app reacts to what the courses app announces."""

from django.contrib.auth.models import Permission
from django.dispatch import receiver

from courses.signals import course_imported, editorial_roles_ensured, module_completed

from .completion import record_completion_if_complete
from .content_import import import_quizzes
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


# Quiz authoring for the editorial groups: add, change and view quizzes (their questions and
# choices are edited inline). Deleting stays with administrators, since attempts refer to them.
QUIZ_AUTHORING_PERMISSIONS = ("add_quiz", "change_quiz", "view_quiz")


@receiver(editorial_roles_ensured)
def grant_quiz_authoring(sender, instructors, reviewers, **kwargs):
    permissions = Permission.objects.filter(
        content_type__app_label="quizzes", codename__in=QUIZ_AUTHORING_PERMISSIONS
    )
    for group in (instructors, reviewers):
        group.permissions.add(*permissions)
