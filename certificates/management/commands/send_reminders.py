from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certificates.reminders import send_reminders
from certificates.tasks import send_reminders as send_reminders_task


def parse_day(text):
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today takes a date such as 2026-03-31, not {text!r}.") from error


class Command(BaseCommand):
    help = (
        "Send the reminder emails that are due: courses untouched for 14 days, licence "
        "renewals 90 and 30 days away with CE hours short. Idempotent: a reminder already "
        "sent is never sent again, so run it daily from cron (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work as a task for `manage.py db_worker` instead of running it "
            "here (with TASKS_BACKEND=immediate it still runs here).",
        )
        parser.add_argument(
            "--today",
            type=parse_day,
            help="Act as if today were this date (YYYY-MM-DD), at noon; for rehearsals and "
            "tests. Defaults to now.",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            if options["today"]:
                raise CommandError("--today cannot be combined with --enqueue.")
            result = send_reminders_task.enqueue()
            self.stdout.write(f"Queued the reminders task ({result.id}).")
            return
        now = None
        if options["today"]:
            now = timezone.make_aware(datetime.combine(options["today"], time(12)))
        run = send_reminders(now=now)
        self.stdout.write(
            f"Sent {run.course_reminders} course reminder(s) and {run.renewal_reminders} "
            f"renewal reminder(s)."
        )
        if run.failed:
            raise CommandError(
                f"{run.failed} reminder(s) could not be sent (see the log); they are tried "
                "again on the next run."
            )
