"""Helpers for the PostgreSQL tests: running one function from many threads at once (the
race tests), and a connection of the tests' own to the server."""

import threading

from django.db import connection, connections

import psycopg
import pytest


def needs_postgresql(why="a real race needs PostgreSQL"):
    if connection.vendor != "postgresql":
        pytest.skip(f"{why} (CI runs the suite on it)")


def server_connection(database="postgres"):
    """A connection of its own to the test's PostgreSQL server (autocommit), beside Django's."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=database,
        autocommit=True,
    )


def end_backend(pid):
    """Have the server end one connection's backend, as a restart does."""
    with server_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def race(count, target):
    """Start `count` threads at the same moment; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
