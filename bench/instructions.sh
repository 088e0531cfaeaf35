#!/usr/bin/env bash
# Instructions per request, counted: ./bench/instructions.sh [REQUESTS]
#
# Runs the release fcgi-check under valgrind's callgrind behind a private nginx on 127.0.0.1, sends REQUESTS (500)
# reference requests (3 members, the 1,000-node inventory of bench/make_requests.py) one at a time, after 20 that are
# not counted, for the reference policy, the default catalogue, and the default catalogue on the same nodes with every
# fact collected (SETTINGS: "reference catalogue collected"), and prints the user-space instructions of
# FastCGIServer.serve (a request from its params to its access line, inclusive) per request, and the functions that
# cost the most. The counts are exact and repeatable (no other work on the machine changes them), so a change to the
# request path can be judged by one run before and after it, where requests/s and CPU per request (bench/run.sh) need
# interleaved rounds and still vary by a few percent. They leave out the kernel (accept, read, write, close: about
# half a request's CPU) and cache misses; and valgrind counts each byte of a `rep movsb` copy (glibc's memcpy of
# large blocks) as an instruction, so a large copy looks dearer here than it is.
# Keeps its callgrind files in bench/results/callgrind-*.out for callgrind_annotate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/private-nginx.sh
source bench/programs.sh
# Every program here runs with the allocator setting deploy/systemd/fcgi-check.service gives the service.
export GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.tcache_count=64}

requests=${1:-500}
port=${PORT:-18390}
./scripts/install-dependencies.sh --bench
# FCGI_CHECK_BIN counts another build (one made with other flags, or an older commit's) instead of this checkout's.
if [ -z "${FCGI_CHECK_BIN:-}" ]; then
    swift build -c release --static-swift-stdlib --product fcgi-check >/dev/null
fi
built=${FCGI_CHECK_BIN:-"$(swift build -c release --static-swift-stdlib --show-bin-path)/fcgi-check"}

work=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-instructions.XXXXXX")
service=""
cleanup() {
    [ -n "$service" ] && kill "$service" 2>/dev/null || true
    [ -n "${private_nginx_pid:-}" ] && kill "$private_nginx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# valgrind 3.19 cannot read the DWARF of Swift's release build; the symbol table is enough for function names.
bin="$work/fcgi-check"
strip --strip-debug -o "$bin" "$built"
mkdir -p "$work/tmp" bench/results
bench_inputs
# One worker: requests come one at a time; callgrind makes the service slow to answer.
private_nginx_write "$work" "$port" 1 "$(private_nginx_location / "$work/s.sock" "fastcgi_read_timeout 300s;")"
private_nginx_start "$work" "$port"

for setting in ${SETTINGS:-reference catalogue collected}; do
    policy=(--policy deploy/policy.reference.toml)
    inventory=$work/inventory.sqlite
    [ "$setting" = reference ] || policy=()
    [ "$setting" = collected ] && inventory=$work/collected.sqlite
    out="bench/results/callgrind-$setting.out"
    rm -f "$work/s.sock"
    valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
        --toggle-collect='*FastCGIServerC5serve*' \
        "$bin" serve --inventory "$inventory" --listen "unix:$work/s.sock" "${policy[@]}" --threads 2 \
        2>"$work/valgrind.log" &
    service=$!
    for _ in $(seq 300); do [ -S "$work/s.sock" ] && break; sleep 0.1; done
    [ -S "$work/s.sock" ] || { echo "instructions: the service did not start under valgrind:" >&2; cat "$work/valgrind.log" >&2; exit 1; }
    send() {
        python3 - "$1" "$work/body-3.json" "$port" <<'PY'
import http.client, sys
count, body, port = int(sys.argv[1]), open(sys.argv[2], 'rb').read(), int(sys.argv[3])
connection = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
for _ in range(count):
    connection.request('POST', '/', body, {'Content-Type': 'application/json'})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f'instructions: answered {response.status}')
PY
    }
    # The first requests of a process resolve Swift's type metadata and fill caches (some 900k instructions in all):
    # counted from the twenty-first, a request costs what it costs in a running service.
    send 20
    callgrind_control -z "$service" >/dev/null
    send "$requests"
    kill -TERM "$service"
    wait "$service" || true
    service=""
    callgrind_annotate "$out" >"$work/summary.txt" 2>/dev/null
    total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$work/summary.txt")
    echo "$setting: $((total / requests)) instructions per request (FastCGIServer.serve, inclusive; $requests requests)"
    callgrind_annotate --inclusive=yes "$out" 2>/dev/null | swift demangle --simplified \
        | awk -v n="$requests" '/^ *[0-9,]+ \(/ { c = $1; gsub(",", "", c); sub(/^ *[0-9,]+ \( *[0-9.]+%\) */, "");
            sub(/ \[[^]]*\]$/, ""); sub(/^\?\?\?:/, "");
            if (/PROGRAM TOTALS|clone|start_thread|NSThreadStart|Thread\.main|acceptLoop|FastCGIServer\.start/) next;
            if (!seen[$0]++ && c / n >= 2000) printf "  %8.1fk  %s\n", c / n / 1000, $0 }' \
        | sed -n '1,40p'
done
