from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quizzes.signals import course_completed

from .issuing import issue_certificate
from .lookup import forget_certificate
from .models import Certificate


@receiver(course_completed)
def issue_on_completion(sender, completion, enrollment, **kwargs):
    issue_certificate(enrollment, completion.completed_at)


@receiver(post_save, sender=Certificate)
@receiver(post_delete, sender=Certificate)
def drop_cached_certificate(sender, instance, **kwargs):
    forget_certificate(instance.code)  # now, and again once the change is committed
    transaction.on_commit(lambda: forget_certificate(instance.code))
