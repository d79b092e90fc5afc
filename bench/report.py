"""Printing bench results, and comparing runs at two sizes.

python -m bench.report bench/results/small-....json bench/results/full-....json
"""

import json
import sys
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def table(rows, headers, aligns=None):
    """Plain-text table; `aligns` is a string of 'l'/'r' per column."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    aligns = aligns or "l" + "r" * (len(headers) - 1)
    lines = []
    for n, row in enumerate(cells):
        parts = [
            cell.ljust(widths[i]) if aligns[i] == "l" else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _verdict(row):
    """DESIGN.md section 6 judges throughput against the stock project's bare view."""
    target = row.get("target_ratio")
    if target is None or row.get("stock_ratio") is None:
        return ""
    return f">= {target}: {'met' if row['stock_ratio'] >= target else 'NOT met'}"


def _stock_ratio(row):
    """The ratio to the stock view; for our bare view, with the lowest and highest of its
    pairs of runs (each of our bare runs over the stock run beside it)."""
    text = _fmt(row.get("stock_ratio"), 3)
    if row.get("stock_ratio_min") is not None:
        text += f" ({row['stock_ratio_min']:.3f}-{row['stock_ratio_max']:.3f})"
    return text


def _cores(row):
    """CPU cores used on average during the run: gunicorn, load generator, PostgreSQL, and
    everything else on the machine (other people's work included)."""
    usage = row.get("cpu") or {}
    loadgen = (usage.get("wrk") or 0) + (usage.get("client") or 0)
    return [
        _fmt(usage.get("server"), 2),
        _fmt(round(loadgen, 2) if usage else None, 2),
        _fmt(usage.get("postgres"), 2),
        _fmt(
            round((usage.get("other") or 0) + (usage.get("redis") or 0), 2) if usage else None, 2
        ),
    ]


def endpoint_table(result):
    rows = [
        [
            row["label"],
            row["client"],
            _fmt(row["rps"]),
            _fmt(row["p50_ms"]),
            _fmt(row["p95_ms"]),
            _fmt(row.get("stock_rps")),
            _stock_ratio(row),
            _fmt(row.get("ratio"), 3),
            _fmt(row["errors"]),
            _verdict(row),
        ]
        for row in result["endpoints"]
    ]
    return table(
        rows,
        [
            "endpoint",
            "client",
            "req/s",
            "p50 ms",
            "p95 ms",
            "stock req/s",
            "stock ratio",
            "our ratio",
            "errors",
            "DESIGN 6 target (stock)",
        ],
        "llrrrrrrrl",
    )


def cpu_table(result):
    """Where the CPU went in each run, and the ratio the CPU cost alone would give."""
    rows = [
        [
            row["label"],
            _fmt(row.get("server_cpu_ms"), 2),
            _fmt(row.get("cpu_ratio"), 3),
            *_cores(row),
        ]
        for row in result["endpoints"]
    ]
    return table(
        rows,
        [
            "endpoint",
            "CPU ms/req",
            "CPU ratio",
            "cores: server",
            "load-gen",
            "postgres",
            "others",
        ],
    )


def database_table(result):
    rows = []
    for row in result["endpoints"]:
        db = row.get("database")
        if not db:
            continue
        tables = ", ".join(f"{name} {rows:,.0f}" for name, rows in db["seq_rows_by_table"].items())
        rows.append(
            [
                row["label"],
                _fmt(row.get("queries")),
                _fmt(db["seq_scans"], 2),
                _fmt(db["index_scans"], 2),
                _fmt(db["seq_rows_read"]),
                _fmt(db["rows_written"], 2),
                tables,
            ]
        )
    return table(
        rows,
        [
            "endpoint",
            "queries",
            "seq scans",
            "index scans",
            "seq rows read",
            "rows written",
            "seq rows by table",
        ],
        "lrrrrrl",
    )


def exam_table(exam):
    rows = []
    for name in ("quiz start", "quiz page", "quiz submit", "result page"):
        figures = exam["requests"].get(name)
        if figures:
            rows.append(
                [
                    name,
                    _fmt(figures["requests"]),
                    _fmt(figures["errors"]),
                    _fmt(figures["p50_ms"]),
                    _fmt(figures["p95_ms"]),
                    _fmt(figures["max_ms"]),
                ]
            )
    return table(rows, ["request", "count", "errors", "p50 ms", "p95 ms", "max ms"])


def latest_results():
    """{size: path of its newest result file}."""
    newest = {}
    for path in sorted(RESULTS_DIR.glob("*.json")):
        size = path.name.split("-", 1)[0]
        newest[size] = path
    return newest


def compare(first, second):
    """Per endpoint at two sizes: p95, server CPU per request, PostgreSQL scans per request
    (a query that grows with the data shows here first) and the throughput ratio."""
    a, b = (json.loads(Path(p).read_text()) for p in (first, second))
    by_name = {row["name"]: row for row in b.get("endpoints", [])}

    def scans(row):
        db = row.get("database")
        return None if not db else round(db["seq_scans"] + db["index_scans"], 1)

    def change(x, y):
        return f"x{y / x:.2f}" if x and y else "-"

    rows = []
    for row in a.get("endpoints", []):
        other = by_name.get(row["name"])
        if not other:
            continue
        rows.append(
            [
                row["label"],
                _fmt(row["p95_ms"]),
                _fmt(other["p95_ms"]),
                change(row["p95_ms"], other["p95_ms"]),
                _fmt(row.get("server_cpu_ms"), 2),
                _fmt(other.get("server_cpu_ms"), 2),
                _fmt(row.get("queries")),
                _fmt(other.get("queries")),
                _fmt(scans(row)),
                _fmt(scans(other)),
                _fmt(row.get("stock_ratio"), 3),
                _fmt(other.get("stock_ratio"), 3),
                _fmt(row.get("ratio"), 3),
                _fmt(other.get("ratio"), 3),
            ]
        )
    for name in ("quiz start", "quiz submit"):
        x = a.get("exam_day", {}).get("requests", {}).get(name)
        y = b.get("exam_day", {}).get("requests", {}).get(name)
        if x and y:
            rows.append(
                [
                    f"exam day: {name}",
                    _fmt(x["p95_ms"]),
                    _fmt(y["p95_ms"]),
                    change(x["p95_ms"], y["p95_ms"]),
                    *[""] * 10,
                ]
            )
    sa, sb = a["size"]["name"], b["size"]["name"]
    heading = (
        f"Growth: {sa} ({a['size']['learners']:,} learners, {a['size']['attempts']:,} attempts)"
        f" -> {sb} ({b['size']['learners']:,} learners, {b['size']['attempts']:,} attempts)"
    )
    return (
        heading
        + "\n"
        + table(
            rows,
            [
                "endpoint",
                f"p95 ms {sa}",
                f"p95 ms {sb}",
                "p95 change",
                f"CPU ms/req {sa}",
                f"CPU ms/req {sb}",
                f"queries {sa}",
                f"queries {sb}",
                f"db scans/req {sa}",
                f"db scans/req {sb}",
                f"stock ratio {sa}",
                f"stock ratio {sb}",
                f"our ratio {sa}",
                f"our ratio {sb}",
            ],
        )
        + "\nCPU ms/req and db scans/req depend much less on other work on the machine than"
        " p95 does. Scans count plan steps (one index scan per outer row of a nested loop),"
        " so a changed plan shows as well as an added query."
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(compare(sys.argv[1], sys.argv[2]))
