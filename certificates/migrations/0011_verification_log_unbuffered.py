"""The verification log is written directly; the Redis buffer in front of it is gone.

Before the column that de-duplicated buffered records goes, any lookups a running site still
holds in the old Redis buffer are moved into the table (once each, by that column), so the
upgrade loses none. Without Redis, or with the buffer empty, there is nothing to move.
"""

import ipaddress
import json
import uuid
from datetime import datetime

from django.db import migrations

BUFFER = "verification-log:buffer"


def redis_client(cache):
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return client.get_client(write=True)


def valid_ip(text):
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def move_leftover_buffer(apps, schema_editor):
    from django.core.cache import cache

    redis = redis_client(cache)
    if redis is None:
        return
    VerificationLog = apps.get_model("certificates", "VerificationLog")
    AssociationApiKey = apps.get_model("certificates", "AssociationApiKey")
    buffer = cache.make_key(BUFFER)
    key_ids = set(AssociationApiKey.objects.values_list("pk", flat=True))
    while records := redis.lrange(buffer, 0, 999):
        rows = []
        for record in records:
            try:
                buffered_id, at, channel, api_key_id, ip, code, result = json.loads(record)
                rows.append(
                    VerificationLog(
                        buffered_id=uuid.UUID(buffered_id),
                        at=datetime.fromisoformat(at),
                        channel=channel,
                        api_key_id=api_key_id if api_key_id in key_ids else None,
                        ip_address=valid_ip(ip) if ip else None,
                        code=str(code)[:64],
                        result=result,
                    )
                )
            except (AttributeError, TypeError, ValueError):
                continue  # unreadable: the old mover dropped these too
        VerificationLog.objects.bulk_create(rows, ignore_conflicts=True)
        redis.ltrim(buffer, len(records), -1)


class Migration(migrations.Migration):
    # Each step commits on its own: on PostgreSQL, rows inserted with (deferred) foreign key
    # checks still pending would block the ALTER TABLE in the same transaction.
    atomic = False

    dependencies = [
        ("certificates", "0010_verification_desk"),
    ]

    operations = [
        migrations.RunPython(move_leftover_buffer, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="verificationlog",
            name="buffered_id",
        ),
    ]
