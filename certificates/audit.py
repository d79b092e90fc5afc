"""The verification audit log: every lookup, with when, who, which code and what it found.

Every answered lookup is written to the table by the request that answered it, in one INSERT
(a bulk request's rows in one statement), before the answer leaves: the log does not depend
on any cache. A Redis buffer in front of the table was tried and removed (docs/decisions.md,
issue 18): it lost lookups whenever a Redis without persistence stopped.

On PostgreSQL a single lookup's row is committed without waiting for the disk (decision
0203): the request no longer waits for a WAL flush. PostgreSQL keeps the table consistent; a
crash of the database server itself can lose the rows of its last fraction of a second.
"""

from datetime import timedelta
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from cms.ratelimit import client_ip
from cms.sql import quoted_names
from cms.text import without_control_characters

from .models import AssociationApiKey, Certificate, VerificationLog

LAST_USED_PRECISION = timedelta(minutes=5)


def loggable(text):
    """The code as typed, safe to store: control characters (NUL included, which PostgreSQL
    refuses in text) become U+FFFD, and it is cut to the column's length."""
    return without_control_characters(text, "\ufffd")[:64]


def result_of(certificate, malformed=False):
    """What a lookup found, as the log records it."""
    if malformed:
        return VerificationLog.MALFORMED
    return result_of_status(None if certificate is None else certificate.status)


def result_of_status(status):
    """The log's result for a found certificate's status, or for none found (None)."""
    if status is None:
        return VerificationLog.NOT_FOUND
    return VerificationLog.REVOKED if status == Certificate.REVOKED else VerificationLog.VALID


def log_lookups(request, channel, lookups, api_key=None, user=None):
    """Record (code text, result) pairs for one request, with the signed-in `user` behind
    them when there is one (the verification desk)."""
    now = timezone.now()
    ip = client_ip(request) or None
    write_entries(
        [
            log_row(now, channel, code, result, api_key=api_key, user=user, ip_address=ip)
            for code, result in lookups
        ]
    )
    if api_key is not None and key_use_is_stale(api_key, now):
        AssociationApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)


ASYNCHRONOUS = "WITH asynchronous AS (SELECT set_config('synchronous_commit', 'off', true))"
COLUMNS = ("at", "channel", "api_key", "user", "ip_address", "code", "result")


def log_row(at, channel, code, result, api_key=None, user=None, ip_address=None):
    """One log row's field values, by name (a VerificationLog's fields): what write_entries
    takes. A plain dict, so a single lookup's row is written without building a model
    instance (decision 0211)."""
    return {
        "at": at,
        "channel": channel,
        "api_key": api_key,
        "user": user,
        "ip_address": ip_address,
        "code": loggable(code),
        "result": result,
    }


def write_entries(rows):
    """Insert log rows (log_row()): one row in one statement (autocommit, no transaction
    around it), several in one multi-row statement, none for a request that looked nothing
    up."""
    if len(rows) != 1:
        VerificationLog.objects.bulk_create([VerificationLog(**row) for row in rows])
    elif connection.vendor == "postgresql" and transaction.get_autocommit():
        insert_without_waiting_for_disk(rows[0])
    else:
        VerificationLog.objects.create(**rows[0])


def insert_without_waiting_for_disk(row):
    """One row in one statement that is its own transaction, committed with PostgreSQL's
    `synchronous_commit` off for that transaction only (`set_config(..., true)` is SET LOCAL).
    The commit returns before the WAL reaches the disk, so a lookup does not wait for a flush;
    the connection's later transactions (anything a learner earns) still wait for theirs."""
    values = [getattr(row[name], "pk", row[name]) for name in COLUMNS]  # a key or user: its pk
    with connection.cursor() as cursor:
        cursor.execute(insert_sql(), values)


@cache
def insert_sql():
    """The statement insert_without_waiting_for_disk sends, built once per process."""
    table, columns = quoted_names(VerificationLog)
    names = ", ".join(columns[name] for name in COLUMNS)
    values = ", ".join(["%s"] * len(COLUMNS))
    return f"{ASYNCHRONOUS} INSERT INTO {table} ({names}) SELECT {values} FROM asynchronous"  # noqa: S608  # nosec B608


def key_use_is_stale(api_key, now):
    """A key's last use is kept to the nearest few minutes, so most lookups spend no query
    on it."""
    return api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION
