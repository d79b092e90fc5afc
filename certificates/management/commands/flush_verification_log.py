from django.core.management.base import BaseCommand

from certificates.audit import LOCK_WAIT_SECONDS, flush_buffered_lookups


class Command(BaseCommand):
    help = (
        "Move verification lookups buffered in Redis into the verification log (nothing to "
        "do without Redis). Safe to run at any time, from cron or by hand."
    )

    def handle(self, *args, **options):
        moved = flush_buffered_lookups(wait=LOCK_WAIT_SECONDS)
        self.stdout.write(f"Moved {moved} buffered lookup(s) into the verification log.")
