#!/usr/bin/env bash
# Time per step of a request under load, in µs: ./bench/steps.sh
#
# Puts one private nginx on 127.0.0.1 in front of the minimal C libfcgi program (bench/minimal_fcgi.c), fcgi-check
# under compat = "reference", fcgi-check with the default catalogue, and the default catalogue on the same nodes with
# every fact collected ("collected"), all on unix sockets with 8 accept threads and the 1,000-node SQLite inventories
# of bench/make_requests.py, as bench/run.sh does. For each, wrk drives 3-member
# requests at CONNECTIONS (32) connections: first a window that measures the program's CPU per request (utime+stime
# from /proc over the requests wrk counted, user and kernel apart), then a window of the same length under
# `perf record -e cpu-clock -g` (a timer, so it works where the CPU exposes no hardware counters). bench/steps.py
# gives each sample to a step of the request (accept, read, decode, lookup, checks, encode, write, count and log,
# close) by the first frame of its stack that belongs to one, and scales the shares by the unprofiled CPU per
# request. The profiler slows the program, so shares are what it measures; µs come from the window without it.
# Results: bench/results/steps.md.
#
# Knobs: DURATION seconds per window (6), CONNECTIONS (32), FREQUENCY of samples per second (10000), THREADS (8).
# Loopback only; every window is bounded by DURATION. Needs perf (linux-perf) and permission to profile the
# processes it starts (root, or kernel.perf_event_paranoid <= 1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/private-nginx.sh
source bench/programs.sh
# Every program here runs with the allocator setting deploy/systemd/fcgi-check.service gives the service.
export GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.tcache_count=64}

duration=${DURATION:-6}
connections=${CONNECTIONS:-32}
frequency=${FREQUENCY:-10000}
threads=${THREADS:-8}
port=${PORT:-18490}

bench_build
bench_work steps
bench_inputs
bench_behind_nginx "$threads" "$port"

for name in "${bench_programs[@]}"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data-binary "@$work/body-3.json" "http://127.0.0.1:$port/$name")
    [ "$status" = 200 ] || { echo "steps: $name answered $status" >&2; exit 1; }
done

ticks=$(getconf CLK_TCK)
cpu() { awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$1/stat"; } # utime stime, in ticks
load() { # name, seconds: wrk's JSON summary line
    BODY="$work/body-3.json" wrk -t2 -c"$connections" -d"$2s" -s bench/wrk-post.lua \
        "http://127.0.0.1:$port/$1" | tail -1
}

report=$work/steps.md
{
    echo "Time per step of a 3-member request, $connections connections, behind one nginx on this project's"
    echo "$(nproc)-core machine (\`./bench/steps.sh\`): each program's CPU per request (utime+stime from /proc,"
    echo "without the profiler), divided among the steps by a \`perf record -e cpu-clock -g\` profile ($frequency"
    echo "samples/s) of a second window of the same length. A sample belongs to the step of the innermost frame of its"
    echo "stack that has one, the program's frames before the kernel's (\`bench/steps.py\`)."
    echo
} >"$report"
for name in "${bench_programs[@]}"; do
    pid=${pid_of[$name]}
    load "$name" 2 >/dev/null # warm-up: caches, the threads' readers, metadata
    read -r user0 system0 < <(cpu "$pid")
    summary=$(load "$name" "$duration")
    read -r user1 system1 < <(cpu "$pid")
    read -r requests user_us system_us < <(python3 - "$summary" "$user0" "$system0" "$user1" "$system1" "$ticks" <<'PY'
import json, sys
summary = json.loads(sys.argv[1])
u0, s0, u1, s1, ticks = map(float, sys.argv[2:])
requests = max(summary["requests"], 1)
print(summary["requests"], (u1 - u0) * 1e6 / ticks / requests, (s1 - s0) * 1e6 / ticks / requests)
PY
)
    cpu_us=$(python3 -c "print($user_us + $system_us)")
    load "$name" "$((duration + 2))" >/dev/null &
    loader=$!
    sleep 1
    perf record -q -e cpu-clock -F "$frequency" -g -p "$pid" -o "$work/$name.data" -- sleep "$duration" \
        >/dev/null 2>&1
    wait "$loader"
    {
        printf '### %s: %.1f µs of CPU per request (%.1f user, %.1f kernel), %s requests in %s s\n\n' \
            "$name" "$cpu_us" "$user_us" "$system_us" "$requests" "$duration"
        perf script -i "$work/$name.data" -F ip,sym,dso 2>/dev/null | swift demangle --simplified \
            | python3 bench/steps.py --cpu-us "$cpu_us"
        echo
    } >>"$report"
done
mkdir -p bench/results
cp "$report" bench/results/steps.md
cat "$report"
