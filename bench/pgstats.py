"""What PostgreSQL did for each run: scans and rows per table, from pg_stat_user_tables.

A table read by sequential scans on every request, with many rows each time, is a missing
index (or a query that cannot use one); index scans per request that grow with the data are
an N+1. Backends report their counters when they go idle (at most about once a second), so a
run's figures are read after the bare-view run that follows it, which touches no table, and at
least REPORT_DELAY seconds after it ended: a backend that finds the shared counters locked
tries again 10 s later (PostgreSQL 15, PGSTAT_IDLE_INTERVAL).
"""

import time

from django.db import connection

REPORT_DELAY = 11
COLUMNS = ("seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins", "n_tup_upd")


def snapshot():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0), "
            "coalesce(idx_tup_fetch, 0), n_tup_ins, n_tup_upd FROM pg_stat_user_tables"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def settle(seconds=1.5):
    """Give idle backends the time to report their counters."""
    time.sleep(seconds)


def per_request(before, after, requests, top=5):
    """Per request: scans and rows, in all and for the tables read most by sequential scan."""
    if not requests:
        return None
    tables = {}
    for name, values in after.items():
        old = before.get(name, (0,) * len(COLUMNS))
        delta = dict(zip(COLUMNS, (v - o for v, o in zip(values, old, strict=True)), strict=True))
        if any(delta.values()):
            tables[name] = delta
    totals = {column: sum(t[column] for t in tables.values()) for column in COLUMNS}
    seq_read = sorted(
        ((name, t["seq_tup_read"]) for name, t in tables.items() if t["seq_tup_read"]),
        key=lambda item: -item[1],
    )
    return {
        "seq_scans": round(totals["seq_scan"] / requests, 2),
        "seq_rows_read": round(totals["seq_tup_read"] / requests, 1),
        "index_scans": round(totals["idx_scan"] / requests, 2),
        "index_rows_fetched": round(totals["idx_tup_fetch"] / requests, 1),
        "rows_written": round((totals["n_tup_ins"] + totals["n_tup_upd"]) / requests, 2),
        "seq_rows_by_table": {name: round(rows / requests, 1) for name, rows in seq_read[:top]},
    }
