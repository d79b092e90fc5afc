"""A small HTTP load client on the standard library (http.client and threads).

Used where wrk cannot follow the flow: quiz start and submit need the attempt id from the
start redirect, and the exam-day scenario reads the questions drawn for each attempt from the
quiz page. One connection per request, as gunicorn's sync workers close every connection.
Latency runs from opening the connection to the last byte of the response.
"""

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

ATTEMPT_LOCATION = re.compile(r"/quizzes/attempts/(\d+)/$")
RESULT_LOCATION = re.compile(r"/quizzes/attempts/(\d+)/result/$")
ANSWER_INPUT = re.compile(r'name="q-(\d+)" value="(\d+)"')


@dataclass
class Response:
    status: int
    location: str
    body: bytes
    seconds: float
    error: str = ""


def request(port, method, path, headers=None, body=None, timeout=60):
    """One request on a fresh connection; never raises (status 0 and `error` instead)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Response(
            response.status,
            response.getheader("Location", ""),
            data,
            time.perf_counter() - started,
        )
    except (OSError, http.client.HTTPException) as error:
        return Response(0, "", b"", time.perf_counter() - started, f"{type(error).__name__}")
    finally:
        connection.close()


def form_post(port, path, cookie, csrf_token, fields):
    """POST a form the way a browser does, with the CSRF token in cookie and body."""
    body = urlencode([("csrfmiddlewaretoken", csrf_token), *fields])
    headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(body)),
    }
    return request(port, "POST", path, headers, body)


def percentile(values, fraction):
    """Nearest-rank percentile of a list of numbers (None for an empty list)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Recorder:
    """Latencies and errors per request name, from any number of threads."""

    latencies: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    error_samples: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name, response, ok, why=""):
        with self.lock:
            self.latencies.setdefault(name, []).append(response.seconds)
            if not ok:
                self.errors[name] = self.errors.get(name, 0) + 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(
                        f"{name}: HTTP {response.status} {response.error} {why}".strip()
                    )

    def summary(self, name, seconds=None):
        values = self.latencies.get(name, [])
        result = {
            "requests": len(values),
            "errors": self.errors.get(name, 0),
            "p50_ms": _ms(percentile(values, 0.50)),
            "p95_ms": _ms(percentile(values, 0.95)),
            "p99_ms": _ms(percentile(values, 0.99)),
            "max_ms": _ms(max(values) if values else None),
            "mean_ms": _ms(statistics.fmean(values) if values else None),
        }
        if seconds:
            result["rps"] = round(len(values) / seconds, 1)
        return result


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def closed_loop(threads, seconds, work):
    """Run `work(thread_index, deadline)` in `threads` threads; return the elapsed time.

    Each call loops until the deadline (closed loop: a thread sends its next request when the
    previous one is answered, like wrk's connections).
    """
    deadline = time.perf_counter() + seconds
    workers = [
        threading.Thread(target=work, args=(n, deadline), daemon=True) for n in range(threads)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def bare_loop(port, threads, seconds, path="/bench/ok"):
    """The bare view driven by this client, the baseline for the client's own runs."""
    recorder = Recorder()

    def work(_n, deadline):
        while time.perf_counter() < deadline:
            response = request(port, "GET", path)
            recorder.record("bare", response, response.status == 200)

    elapsed = closed_loop(threads, seconds, work)
    return recorder.summary("bare", elapsed)


def quiz_answers(page_html, key, correct):
    """Form fields answering the questions served on a quiz page, right or wrong."""
    served = {}
    for question_id, choice_id in ANSWER_INPUT.findall(page_html):
        served.setdefault(question_id, []).append(choice_id)
    fields = []
    for question_id, choices in served.items():
        right = key.get(question_id, [])
        if correct:
            fields += [(f"q-{question_id}", c) for c in right]
        else:
            wrong = [c for c in choices if c not in right]
            fields.append((f"q-{question_id}", wrong[0] if wrong else choices[0]))
    return fields, len(served)
