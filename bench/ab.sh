#!/usr/bin/env bash
# Two builds of fcgi-check side by side: ./bench/ab.sh OLD NEW [SERVE ARGS...]
#
# Puts one private nginx on 127.0.0.1 in front of two release binaries (OLD at /old, NEW at /new, unix sockets,
# THREADS accept threads each, the 1,000-node SQLite inventory of bench/make_requests.py), then drives them in turn
# with wrk at CONNECTIONS connections for ROUNDS interleaved rounds of DURATION seconds, the two sides taking turns
# going first, and prints each round's and the whole run's requests/s and CPU per request (the binary's utime+stime,
# with its children's, from /proc over the requests wrk counted). The binaries share the machine's cores with nginx
# and wrk, so only the two sides of one run compare: a difference smaller than the spread of its rounds is not one.
# What it answers: whether a change to the request path pays, in time rather than in instructions
# (bench/instructions.sh), which miss cache misses and contention between cores.
#
# SERVE ARGS go to both binaries' `serve` (e.g. --policy deploy/policy.reference.toml; the default catalogue
# without; `--workers N` too, whose workers' CPU is counted with the supervisor's). Knobs: ROUNDS (4), DURATION
# whole seconds (5), CONNECTIONS (32), THREADS (8), INVENTORY (inventory, or collected: the same nodes with every
# fact), PORT (18630). Build the old binary from another checkout or commit, e.g.
#   git worktree add /tmp/old HEAD~1 && (cd /tmp/old && swift build -c release --static-swift-stdlib)
set -euo pipefail
if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
    echo "usage: bench/ab.sh OLD-BINARY NEW-BINARY [SERVE ARGS...]" >&2
    exit 64
fi
old=$(realpath "$1")
new=$(realpath "$2")
shift 2
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/private-nginx.sh
source bench/programs.sh
# Both run with the allocator setting deploy/systemd/fcgi-check.service gives the service.
export GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.tcache_count=64}

rounds=${ROUNDS:-4}
duration=${DURATION:-5}
connections=${CONNECTIONS:-32}
threads=${THREADS:-8}
inventory=${INVENTORY:-inventory}
port=${PORT:-18630}
for knob in "$rounds" "$duration" "$connections" "$threads"; do
    [[ "$knob" =~ ^[1-9][0-9]*$ ]] || { echo "ab: ROUNDS, DURATION, CONNECTIONS and THREADS are whole numbers" >&2; exit 64; }
done

./scripts/install-dependencies.sh --bench
bench_work ab
bin=$new
bench_inputs
for side in old new; do
    binary=$old
    [ "$side" = new ] && binary=$new
    "$binary" serve --inventory "$work/$inventory.sqlite" --listen "unix:$work/$side.sock" --threads "$threads" "$@" \
        2>"$work/$side.log" &
    pid_of[$side]=$!
    pids+=($!)
done
bench_wait_listening old new
private_nginx_write "$work" "$port" auto \
    "$(private_nginx_location /old "$work/old.sock")$(private_nginx_location /new "$work/new.sock")"
private_nginx_start "$work" "$port"
pids+=("$private_nginx_pid")

# utime+stime of a process and its descendants (workers), in clock ticks.
ticks() {
    local total=0 child
    [ -r "/proc/$1/stat" ] && total=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat")
    for child in $(pgrep -P "$1" || true); do total=$((total + $(ticks "$child"))); done
    echo "$total"
}
drive() {
    BODY="$work/body-3.json" wrk -t2 -c"$connections" -d"$1s" -s bench/wrk-post.lua "http://127.0.0.1:$port/$2" |
        tail -1
}
# "REQUESTS MICROSECONDS" of one wrk line; fails on errors, answers other than 2xx, or no request at all.
counted() {
    python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["errors"] == 0 and d["non2xx"] == 0 and d["requests"] > 0, d
print(d["requests"], d["duration_us"])' "$1"
}
hz=$(getconf CLK_TCK)
report() { # NAME REQUESTS MICROSECONDS TICKS
    python3 -c 'import sys
n, us, t, hz = map(int, sys.argv[2:6])
print(f"{sys.argv[1]}: {n * 1e6 / us:,.0f} requests/s, {t * 1e6 / hz / n:.2f} µs CPU a request")' "$1" "$2" "$3" "$4" "$hz"
}

declare -A requests microseconds ticks_used
for side in old new; do
    requests[$side]=0
    microseconds[$side]=0
    ticks_used[$side]=0
    drive 1 "$side" >/dev/null # warm-up, not counted
done
for round in $(seq "$rounds"); do
    order="old new"
    [ $((round % 2)) = 0 ] && order="new old"
    for side in $order; do
        before=$(ticks "${pid_of[$side]}")
        line=$(drive "$duration" "$side")
        after=$(ticks "${pid_of[$side]}")
        read -r count us <<<"$(counted "$line")"
        requests[$side]=$((requests[$side] + count))
        microseconds[$side]=$((microseconds[$side] + us))
        ticks_used[$side]=$((ticks_used[$side] + after - before))
        report "round $round $side" "$count" "$us" "$((after - before))"
    done
done
for side in old new; do
    report "$side" "${requests[$side]}" "${microseconds[$side]}" "${ticks_used[$side]}"
done
