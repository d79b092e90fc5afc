"""Profile one bench endpoint in-process: where a request's server time goes.

    python -m bench.profile module_user [--size small] [--requests 200] [--top 25]

Uses the bench database of that size (seeded by `make bench` or `--seed-only`), the same
settings as the gunicorn server (bench.settings, Redis) and the same requests as the load
run, sent through Django's test client without a network. Prints milliseconds and SQL
queries per request, then the functions with the most cumulative and own time under
cProfile. docs/benchmarks.md quotes its output.
"""

import argparse
import cProfile
import io
import os
import pstats
import time
from http.cookies import SimpleCookie

from bench.run import endpoints
from bench.server import (
    DEFAULT_REDIS_URL,
    Sessions,
    database_url,
    prepare_database,
    server_environment,
    setup_django,
)
from bench.sizes import SIZES


def send(client, request):
    method, path, headers, body = request
    client.cookies = SimpleCookie(headers.get("Cookie", ""))
    if method == "POST":
        return client.post(path, body, content_type=headers.get("Content-Type"))
    return client.get(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint", help="an endpoint name of make bench, e.g. module_user")
    parser.add_argument("--size", default="small", choices=SIZES)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sql", action="store_true", help="print one request's SQL first")
    parser.add_argument("--save", help="also write the cProfile stats to this file")
    args = parser.parse_args(argv)

    size = SIZES[args.size]
    url = database_url(size.name)
    setup_django(server_environment(url, os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL))
    prepare_database(size, url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    requests = {name: reqs for name, _label, reqs, _marker in endpoints(size, Sessions())}
    if args.endpoint not in requests:
        parser.error(f"unknown endpoint; one of {', '.join(requests)}")
    chosen = requests[args.endpoint]
    client = Client(HTTP_HOST="127.0.0.1")
    for request in chosen:  # warm every cache the load run would have warmed
        response = send(client, request)
        if response.status_code != 200:
            parser.error(f"{request[1]} answered {response.status_code}, not 200")

    with CaptureQueriesContext(connection) as queries:
        for request in chosen[:20]:
            send(client, request)
    per_request_queries = len(queries) / min(20, len(chosen))
    if args.sql:
        with CaptureQueriesContext(connection) as one:
            send(client, chosen[0])
        for query in one:
            print(f"  {query['sql'][:300]}")

    plain_started = time.process_time()
    for i in range(args.requests):
        send(client, chosen[i % len(chosen)])
    plain_ms = (time.process_time() - plain_started) / args.requests * 1000

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(args.requests):
        send(client, chosen[i % len(chosen)])
    profiler.disable()
    elapsed = time.perf_counter() - started
    if args.save:
        profiler.dump_stats(args.save)

    print(f"{args.endpoint}: {args.requests} requests, size {size.name}")
    print(f"  {per_request_queries:.1f} SQL queries per request")
    print(f"  {plain_ms:.2f} ms of this process's CPU per request without the profiler")
    print(f"  {elapsed / args.requests * 1000:.2f} ms per request under cProfile")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
