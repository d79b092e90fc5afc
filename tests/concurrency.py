"""Running one function from many threads at once, for the PostgreSQL race tests."""

import threading

from django.db import connection, connections

import pytest


def needs_postgresql(why="a real race needs PostgreSQL"):
    if connection.vendor != "postgresql":
        pytest.skip(f"{why} (CI runs the suite on it)")


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
