from django.core.management.base import BaseCommand

from certificates.issuing import issue_missing_certificates
from certificates.models import Certificate
from quizzes.completion import repair_completions


class Command(BaseCommand):
    help = (
        "Record course completions a crash left unrecorded, then issue every certificate a "
        "recorded completion is missing. Safe to run any number of times."
    )

    def handle(self, *args, **options):
        before = Certificate.objects.count()
        recorded = repair_completions()  # each recorded completion issues its certificate
        issue_missing_certificates()  # and completions recorded without one get theirs
        issued = Certificate.objects.count() - before
        self.stdout.write(
            self.style.SUCCESS(f"Completions recorded: {recorded}. Certificates issued: {issued}.")
        )
