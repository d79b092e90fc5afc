"""Quiz traffic driven by the Python client: steady start/submit, and the exam day."""

import math
import random
import threading
import time

from bench import client, pgstats
from bench.cpu import cost_ms, mean_usage, measured
from bench.server import log


def quiz_answer_keys(quizzes):
    """{quiz id: (right fields, wrong fields)} for module quizzes (every question served)."""
    keys = {}
    for quiz in quizzes:
        right, wrong = [], []
        for question in quiz.questions.all():
            choices = list(question.choices.all())
            right += [(f"q-{question.id}", str(c.id)) for c in choices if c.is_correct]
            wrong += [(f"q-{question.id}", str(c.id)) for c in choices if not c.is_correct][:1]
        keys[quiz.id] = (right, wrong)
    return keys


def quiz_queries(course, quiz, fields, run_id):
    """SQL queries of one quiz start and one passing submit, in this process (a learner who
    has read every module, so the quiz is open)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.seed import run_learners

    [learner] = run_learners(f"{run_id}-quiz-count", 1, course)
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(learner)
    with CaptureQueriesContext(connection) as started:
        response = browser.post(f"/quizzes/{quiz.id}/start/")
    with CaptureQueriesContext(connection) as submitted:
        browser.post(response["Location"], dict([*fields, ("submit", "1")]))
    return len(started.captured_queries), len(submitted.captured_queries)


def quiz_runs(server, stock, course, sessions, seconds, threads, run_id):
    """Quiz start and submit, closed loop, Python client, fresh learners who have read every
    module (so every module quiz is open under the course's step order).

    Baselines with the same client, around the quiz run: our bare view and the stock project's
    (ours, stock, quiz, stock, ours). One more learner takes every quiz once (a failed try and
    a pass) before the timing, so every quiz is warm."""
    from bench.seed import MODULE_QUIZZES, run_learners
    from quizzes.models import Quiz

    quizzes = list(
        Quiz.objects.filter(module__course_page_id=course.id)
        .prefetch_related("questions__choices")
        .order_by("module__path")
    )
    keys = quiz_answer_keys(quizzes)
    start_queries, submit_queries = quiz_queries(
        course, quizzes[0], keys[quizzes[0].id][0], run_id
    )
    count = threads * max(4, math.ceil(seconds * 1.5))
    learners = run_learners(f"{run_id}-quiz", count + 1, course, ready_for=MODULE_QUIZZES)
    warm_cookie, warm_token = sessions.cookie(learners.pop())
    rng = random.Random(7)  # noqa: S311 - reproducible load, not secrets  # nosec B311
    plans = [[] for _ in range(threads)]
    for n, learner in enumerate(learners):
        cookie, token = sessions.cookie(learner)
        for quiz in quizzes:
            if rng.random() < 0.3:  # a failed try first, then a pass
                plans[n % threads].append((cookie, token, quiz.id, keys[quiz.id][1]))
            plans[n % threads].append((cookie, token, quiz.id, keys[quiz.id][0]))
    recorder = client.Recorder()
    exhausted = []

    def work(n, deadline):
        tasks = plans[n]
        while time.perf_counter() < deadline:
            if not tasks:
                exhausted.append(n)
                return
            cookie, token, quiz_id, fields = tasks.pop(0)
            start = client.form_post(server.port, f"/quizzes/{quiz_id}/start/", cookie, token, [])
            match = client.ATTEMPT_LOCATION.search(start.location)
            recorder.record("quiz start", start, start.status == 302 and bool(match))
            if not match:
                continue
            path = f"/quizzes/attempts/{match.group(1)}/"
            submit = client.form_post(server.port, path, cookie, token, [*fields, ("submit", "1")])
            ok = submit.status == 302 and bool(client.RESULT_LOCATION.search(submit.location))
            recorder.record("quiz submit", submit, ok)

    warm_errors = 0
    for quiz in quizzes:
        for fields in keys[quiz.id][1], keys[quiz.id][0]:
            start = client.form_post(
                server.port, f"/quizzes/{quiz.id}/start/", warm_cookie, warm_token, []
            )
            match = client.ATTEMPT_LOCATION.search(start.location)
            if not match:
                warm_errors += 1
                continue
            path = f"/quizzes/attempts/{match.group(1)}/"
            submit = client.form_post(
                server.port, path, warm_cookie, warm_token, [*fields, ("submit", "1")]
            )
            warm_errors += submit.status != 302
    log(
        f"python client: warmed {len(quizzes)} quizzes (a failed try and a pass each, "
        f"{warm_errors} errors)"
    )

    pid = server.process.pid
    log(f"python client: bare views and quiz start/submit, {threads} threads, {seconds} s each")
    bare_before = measured(pid, lambda: client.bare_loop(server.port, threads, seconds))
    log(f"  bare view (python client)              {bare_before['rps']:>9,.1f} req/s")
    stock_before = stock_loop(stock, threads, seconds)
    db_before = pgstats.snapshot()
    result = measured(
        pid,
        lambda: {
            "elapsed": client.closed_loop(threads, seconds, work),
        },
    )
    elapsed = result["elapsed"]
    stock_after = stock_loop(stock, threads, seconds)
    bare_after = measured(pid, lambda: client.bare_loop(server.port, threads, seconds))
    db_after = pgstats.snapshot()  # the bare view touches no table
    log(f"  bare view (python client)              {bare_after['rps']:>9,.1f} req/s")
    baseline = (bare_before["rps"] + bare_after["rps"]) / 2
    stock_baseline = (stock_before["rps"] + stock_after["rps"]) / 2
    start = recorder.summary("quiz start", elapsed)
    submit = recorder.summary("quiz submit", elapsed)
    both = start["rps"] + submit["rps"]
    log(f"  quiz start + submit                    {both:>9,.1f} req/s")
    bare_cost = (
        cost_ms(bare_before["cpu"], bare_before["requests"])
        + cost_ms(bare_after["cpu"], bare_after["requests"])
    ) / 2
    cost = cost_ms(result["cpu"], start["requests"] + submit["requests"])
    common = {
        "client": "python",
        "cpu": result["cpu"],
        "bare_rps": round(baseline, 1),
        "stock_rps": round(stock_baseline, 1),
        "server_cpu_ms": cost,
        "cpu_ratio": round(bare_cost / cost, 3) if cost else None,
        "database": pgstats.per_request(
            db_before, db_after, start["requests"] + submit["requests"]
        ),
    }
    stock_row = baseline_row(stock_before, stock_after)
    bare_row = baseline_row(bare_before, bare_after)
    rows = [
        {
            "name": "stock_python",
            "label": 'stock Django view "ok" (python client)',
            **stock_row,
            "ratio": None,
            "stock_ratio": 1.0,
        },
        {
            "name": "bare_python",
            "label": 'bare view "ok" (python client)',
            **bare_row,
            "ratio": 1.0,
            "stock_rps": round(stock_baseline, 1),
            "stock_ratio": round(baseline / stock_baseline, 3),
            "cpu_ratio": 1.0,
        },
        {
            "name": "quiz_start",
            "label": "quiz start (POST, new attempt)",
            **common,
            **start,
            "queries": start_queries,
            "ratio": round(both / baseline, 3),
            "stock_ratio": round(both / stock_baseline, 3),
        },
        {
            "name": "quiz_submit",
            "label": "quiz submit (POST, scored)",
            **common,
            **submit,
            "queries": submit_queries,
            "ratio": round(both / baseline, 3),
            "stock_ratio": round(both / stock_baseline, 3),
        },
    ]
    if exhausted:
        rows[2]["note"] = f"{len(exhausted)} threads ran out of quizzes before the end"
    return rows, recorder.error_samples


def baseline_row(before, after):
    """A baseline's row from its runs before and after the measured one: their means."""
    return {
        "client": "python",
        "rps": round((before["rps"] + after["rps"]) / 2, 1),
        "p50_ms": round((before["p50_ms"] + after["p50_ms"]) / 2, 1),
        "p95_ms": round((before["p95_ms"] + after["p95_ms"]) / 2, 1),
        "errors": before["errors"] + after["errors"],
        "server_cpu_ms": round(
            (cost_ms(before["cpu"], before["requests"]) + cost_ms(after["cpu"], after["requests"]))
            / 2,
            3,
        ),
        "cpu": mean_usage([before["cpu"], after["cpu"]]),
    }


def stock_loop(stock, threads, seconds):
    """The stock project's bare view driven by the Python client, with its CPU use."""
    from bench.stock import OK_PATH

    result = measured(
        stock.process.pid, lambda: client.bare_loop(stock.port, threads, seconds, OK_PATH)
    )
    log(f"  stock Django view (python client)      {result['rps']:>9,.1f} req/s")
    return result


def warm_exam(server, exam, sessions, learner, key):
    """One learner takes the exam before the timing: start, quiz page, submit, result."""
    cookie, token = sessions.cookie(learner)
    start = client.form_post(server.port, f"/quizzes/{exam.id}/start/", cookie, token, [])
    match = client.ATTEMPT_LOCATION.search(start.location)
    if not match:
        return 1
    path = f"/quizzes/attempts/{match.group(1)}/"
    page = client.request(server.port, "GET", path, {"Cookie": cookie})
    fields, _served = client.quiz_answers(page.body.decode(errors="replace"), key, True)
    submit = client.form_post(server.port, path, cookie, token, [*fields, ("submit", "1")])
    result = client.request(server.port, "GET", f"{path}result/", {"Cookie": cookie})
    return sum(r.status != expected for r, expected in ((page, 200), (submit, 302), (result, 200)))


def exam_day(server, course, sessions, learners_count, window, think, run_id):
    """DESIGN.md section 6: learners start the same quiz within `window` s, then submit.

    The learners have read every module and passed every module quiz, so the final exam is
    open to them under the course's step order (`quizzes.gating`)."""
    from django.db.models import Count

    from bench.seed import FINAL_EXAM, run_learners
    from quizzes.attempts import questions_served
    from quizzes.models import Attempt, Quiz

    exam = Quiz.objects.get(course=course)
    key = {
        str(q.id): sorted(str(c.id) for c in q.choices.all() if c.is_correct)
        for q in exam.questions.prefetch_related("choices")
    }
    served_count = questions_served(exam)
    learners = run_learners(f"{run_id}-exam", learners_count, course, ready_for=FINAL_EXAM)
    [warm_learner] = run_learners(f"{run_id}-exam-warm", 1, course, ready_for=FINAL_EXAM)
    warm_errors = warm_exam(server, exam, sessions, warm_learner, key)
    log(f"exam day: warmed by one other learner taking the exam ({warm_errors} errors)")
    cookies = [sessions.cookie(learner) for learner in learners]
    recorder = client.Recorder()
    problems = []
    starts = []
    lock = threading.Lock()
    rng = random.Random(11)  # noqa: S311 - reproducible load, not secrets  # nosec B311
    slots = [n * window / learners_count + rng.uniform(0, window / learners_count) for n in
             range(learners_count)]  # fmt: skip
    thinks = [rng.uniform(*think) for _ in range(learners_count)]

    def twice(function):
        """Two identical requests at once (a double click)."""
        results = [None, None]

        def one(i):
            results[i] = function()

        pair = [threading.Thread(target=one, args=(i,)) for i in range(2)]
        for t in pair:
            t.start()
        for t in pair:
            t.join()
        return results

    t0 = time.perf_counter() + 1.0

    def learner(n):
        cookie, token = cookies[n]
        time.sleep(max(0.0, t0 + slots[n] - time.perf_counter()))
        with lock:
            starts.append(time.perf_counter() - t0)

        def start():
            return client.form_post(server.port, f"/quizzes/{exam.id}/start/", cookie, token, [])

        answers = twice(start) if n % 10 == 0 else [start()]
        ids = set()
        for response in answers:
            match = client.ATTEMPT_LOCATION.search(response.location)
            recorder.record("quiz start", response, response.status == 302 and bool(match))
            if match:
                ids.add(match.group(1))
        if len(ids) != 1:
            with lock:
                problems.append(f"learner {n}: start gave attempts {sorted(ids)}")
            return
        path = f"/quizzes/attempts/{ids.pop()}/"
        page = client.request(server.port, "GET", path, {"Cookie": cookie})
        fields, served = client.quiz_answers(page.body.decode(errors="replace"), key, n % 5 != 0)
        ok = page.status == 200 and served == served_count
        recorder.record("quiz page", page, ok, f"{served} questions")
        time.sleep(thinks[n])

        def submit():
            return client.form_post(server.port, path, cookie, token, [*fields, ("submit", "1")])

        for response in twice(submit) if n % 10 == 5 else [submit()]:
            ok = response.status == 302 and bool(client.RESULT_LOCATION.search(response.location))
            recorder.record("quiz submit", response, ok)
        result = client.request(server.port, "GET", f"{path}result/", {"Cookie": cookie})
        recorder.record("result page", result, result.status == 200)

    log(
        f"exam day: {learners_count} learners start the final exam of {course.title!r} within "
        f"{window} s, think {think[0]:g}-{think[1]:g} s, submit; every 10th double-clicks start, "
        "every 10th (other) double-clicks submit"
    )
    threads = [threading.Thread(target=learner, args=(n,)) for n in range(learners_count)]

    def scenario():
        begun = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {"elapsed": round(time.perf_counter() - begun, 1)}

    pgstats.settle()  # the learners and sessions just written are reported first
    db_before = pgstats.snapshot()
    result = measured(server.process.pid, scenario)
    pgstats.settle()
    db_after = pgstats.snapshot()
    attempts = Attempt.objects.filter(quiz=exam, user__in=learners)
    per_user = list(attempts.values("user_id").annotate(n=Count("id")))
    duplicates = sum(row["n"] - 1 for row in per_user if row["n"] > 1)
    figures = {name: recorder.summary(name) for name in recorder.latencies}
    errors = sum(f["errors"] for f in figures.values()) + len(problems)
    requests_sent = sum(f["requests"] for f in figures.values())
    database = {
        "attempts": attempts.count(),
        "learners_with_an_attempt": len(per_user),
        "duplicate_attempts": duplicates,
        "not_submitted": attempts.exclude(status=Attempt.SUBMITTED).count(),
        "passed": attempts.filter(passed=True).count(),
        "expected_passed": sum(1 for n in range(learners_count) if n % 5 != 0),
    }
    start_p95 = figures.get("quiz start", {}).get("p95_ms")
    submit_p95 = figures.get("quiz submit", {}).get("p95_ms")
    return {
        "learners": learners_count,
        "quiz": exam.title,
        "questions_per_attempt": served_count,
        "window_s": window,
        "think_s": list(think),
        "starts_span_s": round(max(starts) - min(starts), 2) if starts else None,
        "elapsed_s": result["elapsed"],
        "requests": figures,
        "errors": errors,
        "error_samples": (recorder.error_samples + problems)[:20],
        "database": database,
        "cpu": result["cpu"],
        "server_cpu_ms_per_learner": cost_ms(result["cpu"], learners_count),
        "requests_per_learner": round(requests_sent / learners_count, 2),
        "server_cpu_ms_per_request": cost_ms(result["cpu"], requests_sent),
        "warm_up_errors": warm_errors,
        "database_per_learner": pgstats.per_request(db_before, db_after, learners_count),
        "target_p95_ms": 300,
        "target_met": bool(
            errors == 0
            and duplicates == 0
            and database["not_submitted"] == 0
            and database["passed"] == database["expected_passed"]
            and start_p95 is not None
            and submit_p95 is not None
            and start_p95 < 300
            and submit_p95 < 300
        ),
    }
