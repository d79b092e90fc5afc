from django_tasks import task

from . import reminders
from .models import Certificate
from .pdf import ensure_pdf


@task()
def generate_certificate_pdf(certificate_id):
    """Make and store a certificate's PDF (immediately by default; db_worker in production)."""
    ensure_pdf(Certificate.objects.get(pk=certificate_id))


@task()
def send_reminders():
    """Send the course and renewal reminders that are due (certificates/reminders.py); run
    daily, by cron through `manage.py send_reminders` (docs/operations.md)."""
    run = reminders.send_reminders()
    return {
        "course_reminders": run.course_reminders,
        "renewal_reminders": run.renewal_reminders,
        "failed": run.failed,
    }
