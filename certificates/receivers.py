from django.dispatch import receiver

from quizzes.signals import course_completed

from .issuing import issue_certificate


@receiver(course_completed)
def issue_on_completion(sender, completion, enrollment, **kwargs):
    issue_certificate(enrollment, completion.completed_at)
