#!/usr/bin/env python3
"""Turns bench/run.sh's wrk results into a Markdown table and a PNG plot.

Usage: report.py RESULTS.jsonl QUERIES_JSON PEAK_RSS_KB MACHINE OUT.md OUT.png
"""
import json
import statistics
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

results_path, queries_json, rss_kb, machine, out_md, out_png = sys.argv[1:7]
rows = [json.loads(line) for line in open(results_path)]
queries = json.loads(queries_json)

runs = defaultdict(list)
run_rows = defaultdict(list)
for row in rows:
    if row["round"] > 0:
        runs[(row["contender"], row["connections"])].append(row["result"])
        run_rows[(row["contender"], row["connections"])].append(row)


def summary(results):
    rps = [r["requests"] / (r["duration_us"] / 1e6) for r in results]
    return {
        "rps": statistics.median(rps),
        "rps_min": min(rps),
        "rps_max": max(rps),
        "p50_ms": statistics.median(r["p50_us"] for r in results) / 1000,
        "p99_ms": statistics.median(r["p99_us"] for r in results) / 1000,
        "errors": sum(r["errors"] + r["non2xx"] for r in results),
    }


def cpu(rows_of_run):
    values = [row["cpu_us"] for row in rows_of_run if row.get("cpu_us") is not None]
    return statistics.median(values) if values else None


order = ["nginx-static", "c-libfcgi", "reference", "catalogue", "catalogue-13", "collected", "workers-2", "postgresql"]
contenders = [name for name in order if any(key[0] == name for key in runs)]
connections = sorted({c for (_, c) in runs})
table = {(name, c): summary(runs[(name, c)]) for name in contenders for c in connections if runs[(name, c)]}
for key in table:
    table[key]["cpu_us"] = cpu(run_rows[key])

lines = [
    "CPU is the contender's own utime+stime per request (its process tree, from /proc); the ratios are against the C",
    "program at the same connections, medians of the rounds.",
    "",
    "| connections | contender | requests/s (median, min-max) | p50 ms | p99 ms | errors | CPU µs/request | "
    "requests/s vs C | CPU vs C |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
]
for c in connections:
    c_row = table.get(("c-libfcgi", c))
    for name in contenders:
        s = table.get((name, c))
        if not s:
            continue
        rps_ratio = cpu_ratio = ""
        if c_row and name not in ("c-libfcgi", "nginx-static"):
            rps_ratio = f"{s['rps'] / c_row['rps']:.2f}"
            if s["cpu_us"] and c_row["cpu_us"]:
                cpu_ratio = f"{s['cpu_us'] / c_row['cpu_us']:.2f}"
        cpu_text = f"{s['cpu_us']:.1f}" if s["cpu_us"] is not None else ""
        lines.append(
            f"| {c} | {name} | {s['rps']:,.0f} ({s['rps_min']:,.0f}-{s['rps_max']:,.0f}) | {s['p50_ms']:.2f} | "
            f"{s['p99_ms']:.2f} | {s['errors']} | {cpu_text} | {rps_ratio} | {cpu_ratio} |"
        )

scaling = [row for row in rows if row["round"] == 0]
lines += [
    "",
    "Time per request by cluster size (reference, 1 connection, 1,000-node SQLite inventory):",
    "",
    "| members | requests/s | p50 ms | p99 ms | CPU µs/request | SQL queries per request |",
    "|---:|---:|---:|---:|---:|---:|",
]
for row in sorted(scaling, key=lambda r: r["members"]):
    r = row["result"]
    lines.append(
        f"| {row['members']} | {r['requests'] / (r['duration_us'] / 1e6):,.0f} | {r['p50_us'] / 1000:.2f} | "
        f"{r['p99_us'] / 1000:.2f} | {row.get('cpu_us') or ''} | {queries.get('sqlite-' + str(row['members']), '?')} |"
    )
pg = [table.get(("postgresql", c)) for c in connections]
sqlite = [table.get(("reference", c)) for c in connections]
if any(pg):
    lines += [
        "",
        "PostgreSQL inventory (local server, unix socket) against the same SQLite inventory, reference policy:",
        "",
        "| connections | requests/s PostgreSQL / SQLite | CPU µs/request PostgreSQL / SQLite (service only) | SQL queries per request (3 / 100 / 1,000 members) |",
        "|---:|---:|---:|---:|",
    ]
    per_request = " / ".join(str(queries.get(f"postgresql-{m}", "?")) for m in (3, 100, 1000))
    for c, p, q in zip(connections, pg, sqlite):
        if p and q:
            cpu = f"{p['cpu_us']:.1f} / {q['cpu_us']:.1f}" if p["cpu_us"] and q["cpu_us"] else ""
            lines.append(f"| {c} | {p['rps'] / q['rps']:.2f} | {cpu} | {per_request} |")
lines += ["", f"Peak resident memory (VmHWM) of the reference contender over the whole run: {int(rss_kb) / 1024:.1f} MiB.", "",
          f"Machine: {machine}.", ""]
open(out_md, "w").write("\n".join(lines))

figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
for name in contenders:
    xs = [c for c in connections if (name, c) in table]
    left.plot(xs, [table[(name, c)]["rps"] for c in xs], marker="o", label=name)
    right.plot(xs, [table[(name, c)]["p99_ms"] for c in xs], marker="o", label=name)
for axis, title, label in ((left, "Throughput", "requests/s"), (right, "p99 latency", "ms")):
    axis.set_xscale("log", base=2)
    axis.set_xticks(connections)
    axis.set_xticklabels([str(c) for c in connections])
    axis.set_xlabel("connections")
    axis.set_ylabel(label)
    axis.set_title(title)
    axis.grid(True, alpha=0.3)
    axis.legend()
figure.suptitle("3-member request through nginx (" + machine + ")", fontsize=9)
figure.tight_layout()
figure.savefig(out_png, dpi=110)
