"""The hung-Redis fault, measured on the bench's production setup (issue 18, defect 2).

    python -m bench.hung_redis [--size small] [--requests 50]

Serves the bench database (seeded by `make bench`; BENCH_DATABASE_URL as there) with gunicorn
and the bench settings, with REDIS_URL pointing at a local TCP server that accepts every
connection and never answers, then sends sequential requests to the home page, a signed-in
learner's dashboard, the verify page and the verification API and prints each one's p50,
p95 and slowest answer, and whether the learner stayed signed in. docs/reliability.md has
the figures.
"""

import argparse
import socket
import statistics
import threading
import time

from bench import client
from bench.server import (
    BASE_DIR,
    Server,
    Sessions,
    database_url,
    log,
    server_environment,
    setup_django,
)


class HungRedis:
    """Accepts connections on 127.0.0.1 and never reads or answers."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held = []
        threading.Thread(target=self.accept_forever, daemon=True).start()

    def accept_forever(self):
        while True:
            try:
                self.held.append(self.server.accept()[0])
            except OSError:
                return

    def close(self):
        self.server.close()
        for connection in self.held:
            connection.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="small")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    hung = HungRedis()
    env = server_environment(database_url(args.size), f"redis://127.0.0.1:{hung.port}/0")
    setup_django(env)
    from certificates.codes import display
    from certificates.models import Certificate

    sessions = Sessions()
    certificate = Certificate.objects.select_related("user").order_by("id").first()
    cookie, _token = sessions.cookie(certificate.user)
    code = display(certificate.code)
    server = Server(env, args.workers, BASE_DIR / "var" / "bench-hung-redis-gunicorn.log")
    server.start()
    rows = []
    try:
        for name, path, headers, marker in (
            ("home", "/", {}, b"<html"),
            ("dashboard (signed in)", "/dashboard/", {"Cookie": cookie}, b"Log out"),
            ("verify page", f"/verify/{code}/", {}, b"Participant"),
            ("API GET one code", f"/api/v1/certificates/{code}", {}, b'"status"'),
        ):
            seconds, bad = [], 0
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.request(server.port, "GET", path, headers)
                seconds.append(time.perf_counter() - started)
                bad += response.status != 200 or marker not in response.body
            rows.append(
                (name, statistics.median(seconds), percentile(seconds, 0.95), max(seconds), bad)
            )
    finally:
        server.stop()
        sessions.delete_all()
        hung.close()
    log(
        f"hung Redis, gunicorn {args.workers} sync workers, "
        f"{args.requests} sequential requests each"
    )
    log(f"{'endpoint':<24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  wrong answers")
    for name, p50, p95, slowest, bad in rows:
        log(f"{name:<24} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {slowest * 1000:8.1f}  {bad}")


if __name__ == "__main__":
    main()
