from django_tasks import task

from .audit import LOCK_WAIT_SECONDS, flush_buffered_lookups
from .models import Certificate
from .pdf import ensure_pdf


@task()
def generate_certificate_pdf(certificate_id):
    """Make and store a certificate's PDF (immediately by default; db_worker in production)."""
    ensure_pdf(Certificate.objects.get(pk=certificate_id))


@task()
def flush_verification_log():
    """Move buffered verification lookups from Redis into the table (certificates/audit.py)."""
    return flush_buffered_lookups(wait=LOCK_WAIT_SECONDS)
