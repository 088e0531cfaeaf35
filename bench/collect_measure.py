#!/usr/bin/env python3
"""Measures one `fcgi-check nodes collect` run for bench/collect.sh, and turns the runs into Markdown.

Usage:
  collect_measure.py run LABEL NODES CONCURRENCY ROUND -- COMMAND...   (prints one JSON line)
  collect_measure.py report RESULTS.jsonl MACHINE NOTES OUT.md

`run` starts COMMAND (the collect, `--format json`) and measures, without changing it:
- wall time, from the spawn to the exit;
- the collector's own CPU time (utime + stime) and its children's (cutime + cstime: the ssh clients it reaped),
  read from /proc/PID/stat once it has exited and before it is reaped (waitid WNOWAIT), so both are exact;
- the collector's peak resident memory: VmHWM of /proc/PID/status, sampled every 5 ms while it runs (the high-water
  mark only grows, so the last sample misses at most the last 5 ms); and wait4's ru_maxrss, the largest of the
  collector and the children it reaped;
- the "nodes'" CPU time: sshd's (SSHD_PID, the bench's server) own and its children's reaped during the run, that is
  every connection's sshd and the session it ran (login shell, the script and its commands);
- the whole machine's busy CPU time over the run (/proc/stat), less this measuring process's own, so that what else
  ran meanwhile shows (other CPU: other processes, and the kernel's loopback network work, charged to no process).
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict

TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
    return (sum(fields) - fields[3] - fields[4]) / TICKS


def own_and_children_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICKS


def measuring_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(label, nodes, concurrency, round_, command):
    sshd = int(os.environ["SSHD_PID"])
    sshd_before = own_and_children_seconds(sshd)
    measuring_before = measuring_seconds()
    busy_before = machine_busy_seconds()
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_kb = 0
    done = threading.Event()

    def sample():
        nonlocal peak_kb
        path = f"/proc/{process.pid}/status"
        while not done.is_set():
            try:
                with open(path) as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peak_kb = max(peak_kb, int(line.split()[1]))
                            break
            except OSError:
                break
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # Read the pipes while it runs (the summary may be larger than a pipe's buffer).
    readers = {}

    def drain(name, stream):
        readers[name] = stream.read()

    streams = (("out", process.stdout), ("err", process.stderr))
    threads = [threading.Thread(target=drain, args=stream) for stream in streams]
    for thread in threads:
        thread.start()
    os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
    wall = time.monotonic() - started
    done.set()
    with open(f"/proc/{process.pid}/stat") as stat:
        # The command name may hold spaces: the fields start after its closing parenthesis.
        fields = stat.read().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(v) / TICKS for v in fields[11:15])
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    for thread in threads:
        thread.join()
    sampler.join()
    # The last connections' sshd processes end with their clients; give sshd a moment to reap them.
    time.sleep(0.5)
    sshd_cpu = own_and_children_seconds(sshd) - sshd_before
    busy = machine_busy_seconds() - busy_before - (measuring_seconds() - measuring_before)
    try:
        summary = json.loads(readers["out"])
    except ValueError:
        summary = {}
    print(json.dumps({
        "label": label, "nodes": nodes, "concurrency": concurrency, "round": round_,
        "exit": process.returncode, "wall": round(wall, 3),
        "succeeded": summary.get("succeeded"), "failed": summary.get("failed"),
        "errors": sorted({n["error"] for n in summary.get("nodes", []) if n.get("error")})[:5],
        "stderr": readers["err"].decode(errors="replace")[-500:] if not summary else "",
        "cpu_self": round(utime + stime, 3), "cpu_user": round(utime, 3), "cpu_system": round(stime, 3),
        "cpu_children": round(cutime + cstime, 3), "cpu_sshd": round(sshd_cpu, 3), "machine_busy": round(busy, 3),
        "vmhwm_kb": peak_kb, "maxrss_kb": usage.ru_maxrss,
    }))


def report(results_path, machine, notes, out_path):
    cores = os.cpu_count() or 1
    rows = [json.loads(line) for line in open(results_path) if line.strip()]
    # A round during which other processes took a tenth of the machine's CPU time (another build or benchmark on a
    # shared machine) measures them too: it is left out when the configuration has a round without them.
    def other(r):
        return max(0.0, r["machine_busy"] - r["cpu_self"] - r["cpu_children"] - r["cpu_sshd"])

    # The wall time the run's own work would take with every core to itself: its CPU time over the cores, when it
    # keeps them busy. A shared machine slows the wall time, not this. One session at a time waits more than it
    # works (connection, the script's commands one after another): no such figure for it.
    def alone(r):
        return (r["cpu_self"] + r["cpu_children"] + r["cpu_sshd"]) / cores

    def disturbed(r):
        return other(r) > max(2.0, 0.1 * r["machine_busy"])

    every = defaultdict(list)
    for row in rows:
        if row["label"] != "warm-up":
            every[(row["label"], row["nodes"], row["concurrency"])].append(row)
    runs = {key: [r for r in group if not disturbed(r)] or group for key, group in every.items()}
    left_out = sum(len(every[key]) - len(runs[key]) for key in every)
    kept_disturbed = [key for key, group in runs.items() if all(disturbed(r) for r in group)]

    def median(key, group):
        return statistics.median(r[key] for r in group)

    lines = [
        "# `nodes collect` benchmark",
        "",
        f"Machine: {machine}.",
        "",
        "Every node is this machine, reached over loopback through a private sshd (`bench/collect.sh`): the collector,",
        "its ssh clients, sshd and the scripts on the \"nodes\" share its cores. Medians of the rounds, with the range",
        "of wall times; CPU times in core-seconds (user + system): *collector* is fcgi-check's own, *ssh* the ssh",
        "clients it ran, *nodes* sshd's connections and the sessions they ran (login shell, script, its commands),",
        "*other* whatever else the machine ran meanwhile. *alone s* is the wall time the run's own work would take",
        "with every core to itself (its CPU time over the cores), which another build or benchmark on a shared",
        "machine does not change; not for one session at a time, which waits more than it works. *failed* counts",
        "failed nodes over the rounds kept.",
        "",
    ]
    header = [
        "| nodes | concurrency | ssh options | wall s (min-max) | nodes/s | alone s | failed | collector CPU | ssh CPU"
        " | nodes CPU | other CPU | collector peak RSS MiB | rounds |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    titles = {
        "concurrency": "By concurrency",
        "nodes": "By number of nodes, at the default concurrency",
        "curve25519": "With a classical key exchange (`--ssh-option KexAlgorithms=curve25519-sha256`)",
    }
    for label, title in titles.items():
        series = sorted((item for item in runs.items() if item[0][0] == label), key=lambda item: item[0])
        if not series:
            continue
        lines += [f"{title}:", ""] + header
        for (_, nodes, concurrency), group in series:
            walls = [r["wall"] for r in group]
            wall = statistics.median(walls)
            failed = sum((r["failed"] if r["failed"] is not None else nodes) for r in group)
            options = "KexAlgorithms=curve25519-sha256" if label == "curve25519" else "(defaults)"
            estimate = "—" if concurrency == 1 else f"{statistics.median(alone(r) for r in group):.1f}"
            lines.append(
                f"| {nodes} | {concurrency} | {options} | {wall:.2f} ({min(walls):.2f}-{max(walls):.2f})"
                f" | {nodes / wall:.1f} | {estimate} | {failed}"
                f" | {median('cpu_self', group):.2f}"
                f" | {median('cpu_children', group):.2f} | {median('cpu_sshd', group):.2f}"
                f" | {statistics.median(other(r) for r in group):.2f} | {max(r['vmhwm_kb'] for r in group) / 1024:.1f}"
                f" | {len(group)} |")
        lines.append("")
    per_node = defaultdict(list)
    for (label, nodes, concurrency), group in runs.items():
        for r in group:
            per_node[label == "curve25519"].append(
                ((r["cpu_self"]) / nodes, r["cpu_children"] / nodes, r["cpu_sshd"] / nodes))
    for curve, values in sorted(per_node.items()):
        collector, ssh, node = (statistics.median(v[i] for v in values) * 1000 for i in range(3))
        kex = "curve25519-sha256" if curve else "OpenSSH's default key exchange"
        lines.append(
            f"Per node, with {kex}: collector {collector:.0f} ms, ssh client {ssh:.0f} ms, node side (sshd,"
            f" login shell, script) {node:.0f} ms of CPU.")
    lines += [
        "",
        f"Rounds: {max(len(g) for g in every.values())} per configuration; {left_out} left out because other processes"
        " took more than a tenth of the machine's CPU time meanwhile (*rounds* counts those kept)"
        + (f"; every round of {kept_disturbed} was disturbed so, and all are kept." if kept_disturbed else ".")
        + f" {notes}",
        "",
    ]
    errors = sorted({e for r in rows for e in r["errors"]})
    if errors:
        lines += ["Errors seen: " + "; ".join(errors), ""]
    with open(out_path, "w") as out:
        out.write("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1] == "run":
        separator = sys.argv.index("--")
        label, nodes, concurrency, round_ = sys.argv[2:separator]
        run(label, int(nodes), int(concurrency), int(round_), sys.argv[separator + 1:])
    elif sys.argv[1] == "report":
        report(*sys.argv[2:6])
    else:
        sys.exit(__doc__)
