"""The stock yardstick (bench/stock.py) and how the bench reports against it."""

import os

from bench import client, run
from bench.report import endpoint_table
from bench.stock import OK_PATH, PROJECT, StockServer, build_project, stock_environment


def test_the_stock_project_is_built_with_startproject_and_serves_ok(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://nowhere/none")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "bench.settings")
    folder = build_project(tmp_path / "stock")

    settings = (folder / PROJECT / "settings.py").read_text()
    assert "DEBUG = False\n" in settings
    assert 'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n' in settings
    assert "DEBUG = True" not in settings
    environment = stock_environment()
    assert not {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "PYTHONPATH"} & set(
        environment
    )
    assert environment["PATH"] == os.environ["PATH"]

    server = StockServer(folder, 1, tmp_path / "gunicorn.log")
    try:
        server.start()
        assert server.env == environment
        response = client.request(server.port, "GET", OK_PATH)
        assert (response.status, response.body) == (200, b"ok")
        # The settings it serves with are the project's own, not ours: unknown hosts refused.
        refused = client.request(server.port, "GET", OK_PATH, {"Host": "example.com"})
        assert refused.status == 400
    finally:
        server.stop()


def test_every_endpoint_is_measured_against_the_stock_runs_just_before_and_after(monkeypatch):
    class FakeServer:
        def __init__(self, name):
            self.name = name

    ours, stock = FakeServer("ours"), FakeServer("stock")
    sequence = []
    figures = {"ours": iter([400, 420, 440]), "stock": iter([1000, 1100, 1200])}

    def measure_wrk(server, requests, _seconds, _connections):
        name = requests[0][1] if server is ours and requests[0][1] != "/bench/ok" else None
        sequence.append(name or server.name)
        rps = 300 if name else next(figures[server.name])
        return {"rps": rps, "p50_ms": 1.0, "p95_ms": 2.0, "errors": 0, "requests": rps,
                "server_cpu_ms": 1.0, "cpu": {"server": 1.0}}  # fmt: skip

    monkeypatch.setattr(run, "measure_wrk", measure_wrk)
    monkeypatch.setattr(run, "warm_up", lambda *args: {"requests": 3, "not_200": 0})
    monkeypatch.setattr(run.pgstats, "settle", lambda *args: None)
    monkeypatch.setattr(run.pgstats, "snapshot", lambda: {})
    monkeypatch.setattr(run.pgstats, "per_request", lambda *args: None)
    endpoint_list = [
        ("bare", "bare", [("GET", "/bench/ok", {}, None)], b"ok"),
        ("course_anon", "course", [("GET", "/a/", {}, None)], b""),
        ("module_anon", "module", [("GET", "/b/", {}, None)], b""),
    ]

    stock_row, bare_row, course, module = run.wrk_runs(ours, stock, endpoint_list, 1, 8)

    # Pairs side by side, their order alternating: each baseline takes its turn by a page.
    assert sequence == ["ours", "stock", "/a/", "stock", "ours", "/b/", "ours", "stock"]
    assert (course["stock_rps"], course["stock_ratio"]) == (1050, round(300 / 1050, 3))
    assert (course["bare_rps"], course["ratio"]) == (410, round(300 / 410, 3))
    assert (module["stock_rps"], module["stock_ratio"]) == (1150, round(300 / 1150, 3))
    assert stock_row["rps"] == 1100 and stock_row["stock_ratio"] == 1.0
    assert bare_row["stock_ratio"] == round(420 / 1100, 3)
    assert bare_row["stock_ratio_min"] == round(440 / 1200, 3)
    assert bare_row["stock_ratio_max"] == round(400 / 1000, 3)


def test_the_table_shows_both_ratios_and_judges_the_target_on_the_stock_one():
    rows = [
        {"name": "stock", "label": "stock view", "client": "wrk", "rps": 1500.0,
         "p50_ms": 4.0, "p95_ms": 6.0, "errors": 0, "ratio": None, "stock_ratio": 1.0},
        {"name": "bare", "label": "our view", "client": "wrk", "rps": 600.0, "p50_ms": 9.0,
         "p95_ms": 12.0, "errors": 0, "ratio": 1.0, "stock_rps": 1500.0, "stock_ratio": 0.4,
         "stock_ratio_min": 0.38, "stock_ratio_max": 0.41, "target_ratio": 0.8},
        {"name": "module_anon", "label": "module page", "client": "wrk", "rps": 960.0,
         "p50_ms": 7.0, "p95_ms": 9.0, "errors": 0, "ratio": 1.6, "stock_rps": 1500.0,
         "stock_ratio": 0.64, "target_ratio": 0.6},
        {"name": "api_get", "label": "api", "client": "wrk", "rps": 300.0, "p50_ms": 20.0,
         "p95_ms": 30.0, "errors": 0, "ratio": 0.5, "stock_rps": 1500.0, "stock_ratio": 0.2,
         "target_ratio": 0.3},
    ]  # fmt: skip

    lines = endpoint_table({"endpoints": rows}).splitlines()

    assert "stock ratio" in lines[0] and "our ratio" in lines[0]
    bare = next(line for line in lines if line.startswith("our view"))
    assert "0.400 (0.380-0.410)" in bare and "1.000" in bare and ">= 0.8: NOT met" in bare
    module = next(line for line in lines if line.startswith("module page"))
    # Against our own view 1.6; against the stock one 0.64, which is what the target reads.
    assert "0.640" in module and "1.600" in module and ">= 0.6: met" in module
    api = next(line for line in lines if line.startswith("api"))
    assert "0.200" in api and "0.500" in api and ">= 0.3: NOT met" in api
