from django.core.management.base import BaseCommand, CommandError

from redis.exceptions import RedisError

from certificates.audit import LOCK_WAIT_SECONDS, flush_buffered_lookups


class Command(BaseCommand):
    help = (
        "Move verification lookups buffered in Redis into the verification log (nothing to "
        "do without Redis). Safe to run at any time, from cron or by hand."
    )

    def handle(self, *args, **options):
        try:
            moved = flush_buffered_lookups(wait=LOCK_WAIT_SECONDS)
        except RedisError as error:
            raise CommandError(
                f"Redis could not be reached; nothing was moved ({error})."
            ) from error
        self.stdout.write(f"Moved {moved} buffered lookup(s) into the verification log.")
