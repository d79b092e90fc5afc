from django_tasks import task

from .models import Certificate
from .pdf import ensure_pdf


@task()
def generate_certificate_pdf(certificate_id):
    """Make and store a certificate's PDF (immediately by default; db_worker in production)."""
    ensure_pdf(Certificate.objects.get(pk=certificate_id))
