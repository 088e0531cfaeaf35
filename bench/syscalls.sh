#!/usr/bin/env bash
# System calls and context switches per request under load: ./bench/syscalls.sh
#
# Puts one private nginx on 127.0.0.1 in front of the minimal C libfcgi program (bench/minimal_fcgi.c), fcgi-check
# under compat = "reference", the default catalogue, and the default catalogue on collected nodes, as bench/steps.sh
# does (unix sockets, THREADS accept threads, the 1,000-node SQLite inventories of bench/make_requests.py). For each,
# wrk drives 3-member requests at CONNECTIONS connections for DURATION seconds while `perf stat` counts the program's
# system calls by their tracepoints (no hardware counters needed) and its context switches; prints each per request
# wrk counted. What it answers: which calls a request makes beyond the C program's (SQLite's `fcntl` locks on its WAL
# index, the read timeout's `setsockopt`, the access log's batched `write`), how often threads wait on one another
# (`futex`), and whether the allocator gives memory back to the system on the request path (`brk`, `madvise`,
# `munmap`: it should not). Unlike CPU time, most counts barely move between runs; `futex`, which counts contention, can
# (the catalogue 0.07 in one run, 0.38 in the next). Results: bench/results/syscalls.md.
#
# Knobs: DURATION seconds (4), CONNECTIONS (32), THREADS (8). Loopback only. Needs perf (linux-perf) and permission
# to trace the processes it starts (root, or kernel.perf_event_paranoid <= 1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/private-nginx.sh
source bench/programs.sh
# Every program here runs with the allocator setting deploy/systemd/fcgi-check.service gives the service.
export GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.tcache_count=64}

duration=${DURATION:-4}
connections=${CONNECTIONS:-32}
threads=${THREADS:-8}
port=${PORT:-18590}
calls=(accept4 accept poll epoll_wait read write writev setsockopt fcntl futex close brk madvise munmap)

bench_build
bench_work syscalls
bench_inputs
bench_behind_nginx "$threads" "$port"

events="context-switches"
for call in "${calls[@]}"; do events+=",syscalls:sys_enter_$call"; done
mkdir -p bench/results
results=bench/results/syscalls.md
{
    echo "System calls and context switches per request, $connections connections, $threads accept threads (bench/syscalls.sh)"
    echo
    printf '| program | requests |'
    for call in "${calls[@]}" context-switches; do printf ' %s |' "$call"; done
    printf '\n|---|---:|'
    for _ in "${calls[@]}" context-switches; do printf -- '---:|'; done
    printf '\n'
} >"$results.new"
for name in "${bench_programs[@]}"; do
    load() {
        BODY="$work/body-3.json" wrk -t2 -c"$connections" -d"$1s" -s bench/wrk-post.lua \
            "http://127.0.0.1:$port/$name" | tail -1
    }
    load 1 >/dev/null # warm-up: every thread's connection and statement made
    perf stat -x, -e "$events" -p "${pid_of[$name]}" -o "$work/$name.perf" &
    perf=$!
    sleep 0.2
    summary=$(load "$duration")
    kill -INT "$perf"
    wait "$perf" || true
    python3 - "$summary" "$work/$name.perf" "$name" "${calls[@]}" <<'PY'
import json, sys
summary, path, name, calls = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
if summary["errors"] or summary["non2xx"]:
    sys.exit(f"syscalls: {name}: {summary['errors']} errors, {summary['non2xx']} answers not 2xx")
counts = {}
for line in open(path):
    fields = line.strip().split(",")
    if len(fields) > 2 and fields[0].replace(".", "").isdigit():
        counts[fields[2].removeprefix("syscalls:sys_enter_")] = float(fields[0])
requests = summary["requests"]
print(f"| {name} | {requests} |" + "".join(f" {counts.get(event, 0) / requests:.2f} |" for event in calls + ["context-switches"]))
PY
done >>"$results.new"
mv "$results.new" "$results"
cat "$results"
