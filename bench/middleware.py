"""What each middleware costs a bare request: `/bench/ok` in-process, one middleware left out
at a time (DESIGN.md section 6: each middleware earns its place with a measured cost).

    python -m bench.middleware [--requests 3000] [--rounds 5]

Runs with the bench settings (bench.settings: DEBUG off, Redis from BENCH_REDIS_URL) and sends
an anonymous GET without cookies through Django's WSGI handler, no network: the floor every
request pays before its view. Prints the microseconds of CPU per request with the whole
stack, with none, with the stock startproject's seven middleware, and without each of ours
(the difference is that middleware's cost; about 10 us is noise). docs/benchmarks.md quotes
its output.
"""

import argparse
import io
import os
import time

from bench.server import DEFAULT_REDIS_URL, database_url, server_environment, setup_django

BARE_PATH = "/bench/ok"
# What `django-admin startproject` writes (Django 5.2), for comparison.
STOCK_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
# Middleware that others need: left out with the one that needs them left in, Django refuses.
NEEDED_BY_OTHERS = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
)


def environ(path=BARE_PATH):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }


def cost_us(middleware, requests, rounds):
    """CPU microseconds per bare request through this middleware list (best of `rounds`)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    def start_response(status, headers):
        if not status.startswith("200"):
            raise RuntimeError(f"{BARE_PATH} answered {status} with {middleware}")

    with override_settings(MIDDLEWARE=list(middleware)):
        handler = WSGIHandler()
        best = None
        for _ in range(rounds):
            for _ in range(max(1, requests // 10)):  # warm
                handler(environ(), start_response).close()
            started = time.process_time()
            for _ in range(requests):
                handler(environ(), start_response).close()
            spent = (time.process_time() - started) / requests * 1e6
            best = spent if best is None else min(best, spent)
    return best


def middleware_costs(requests=3000, rounds=5):
    """[(label, us per request)]: the whole stack, none, the stock list, and ours without each
    one in turn (with its cost: the whole stack's figure minus that one)."""
    from django.conf import settings

    ours = list(settings.MIDDLEWARE)
    whole = cost_us(ours, requests, rounds)
    rows = [
        ("our whole stack", whole, None),
        ("no middleware", cost_us([], requests, rounds), None),
        ("startproject's seven", cost_us(STOCK_MIDDLEWARE, requests, rounds), None),
    ]
    for name in ours:
        if name in NEEDED_BY_OTHERS:
            continue
        without = cost_us([m for m in ours if m != name], requests, rounds)
        rows.append((f"without {name}", without, whole - without))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    setup_django(server_environment(database_url("small"), redis_url))
    print(f"{BARE_PATH}, anonymous, in-process: CPU us per request (best of {args.rounds})")
    for label, spent, cost in middleware_costs(args.requests, args.rounds):
        print(f"  {label:<62} {spent:7.0f}" + (f"   cost {cost:5.0f}" if cost is not None else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
