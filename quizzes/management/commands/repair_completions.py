from django.core.management.base import BaseCommand

from quizzes.completion import repair_completions


class Command(BaseCommand):
    help = (
        "Record course completions that were met but not recorded (after a crash between "
        "scoring and completion, say). Safe to run any number of times."
    )

    def handle(self, *args, **options):
        recorded = repair_completions()
        self.stdout.write(self.style.SUCCESS(f"Completions recorded: {recorded}."))
