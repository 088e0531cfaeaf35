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
for row in rows:
    if row["round"] > 0:
        runs[(row["contender"], row["connections"])].append(row["result"])


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


contenders = ["nginx-static", "c-libfcgi", "fcgi-check"]
connections = sorted({c for (_, c) in runs})
table = {(name, c): summary(runs[(name, c)]) for name in contenders for c in connections if runs[(name, c)]}

lines = [
    "| connections | contender | requests/s (median, min-max) | p50 ms | p99 ms | errors | fcgi-check / C |",
    "|---:|---|---:|---:|---:|---:|---:|",
]
for c in connections:
    for name in contenders:
        s = table.get((name, c))
        if not s:
            continue
        ratio = ""
        if name == "fcgi-check" and ("c-libfcgi", c) in table:
            ratio = f"{s['rps'] / table[('c-libfcgi', c)]['rps']:.2f}"
        lines.append(
            f"| {c} | {name} | {s['rps']:,.0f} ({s['rps_min']:,.0f}-{s['rps_max']:,.0f}) | {s['p50_ms']:.2f} | "
            f"{s['p99_ms']:.2f} | {s['errors']} | {ratio} |"
        )

scaling = [row for row in rows if row["round"] == 0]
lines += [
    "",
    "Time per request by cluster size (fcgi-check, 1 connection, 1,000-node SQLite inventory):",
    "",
    "| members | requests/s | p50 ms | p99 ms | SQL queries per request |",
    "|---:|---:|---:|---:|---:|",
]
for row in sorted(scaling, key=lambda r: r["members"]):
    r = row["result"]
    lines.append(
        f"| {row['members']} | {r['requests'] / (r['duration_us'] / 1e6):,.0f} | {r['p50_us'] / 1000:.2f} | "
        f"{r['p99_us'] / 1000:.2f} | {queries.get(str(row['members']), '?')} |"
    )
lines += ["", f"fcgi-check peak resident memory (VmHWM) over the whole run: {int(rss_kb) / 1024:.1f} MiB.", "",
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
