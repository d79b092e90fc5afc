"""Signal receivers: the quiz app reacts to what the courses app announces."""

from django.dispatch import receiver

from courses.signals import course_imported, module_completed

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
