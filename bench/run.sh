#!/usr/bin/env bash
# The benchmark, one command: ./bench/run.sh
#
# Starts one private nginx on 127.0.0.1 with three locations, all answering the 3-member reference request with the
# same 437-byte body: nginx's own static reply (the front's limit), a minimal C libfcgi program (the FastCGI path's
# limit, bench/minimal_fcgi.c), and fcgi-check from a release build on a 1,000-node SQLite inventory. The FastCGI
# ones use the same nginx settings and unix sockets. wrk drives each at 1, 8, 32 and 128 connections, in interleaved
# rounds; then fcgi-check alone at 1 connection with 3, 100 and 1,000 members; then the SQL statements per request
# are counted from the service's trace log. Results: bench/results/latest.md and latest.png.
#
# Knobs: ROUNDS (3), DURATION seconds per run (5), CONNECTIONS ("1 8 32 128"), THREADS of both FastCGI programs (8).
# Loopback only; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

rounds=${ROUNDS:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-"1 8 32 128"}
threads=${THREADS:-8}
port=${PORT:-18300}

./scripts/install-dependencies.sh --bench
swift build -c release --product fcgi-check >/dev/null
bin="$(swift build -c release --show-bin-path)/fcgi-check"

work=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-bench.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    # libfcgi's own SIGTERM handler only sets a flag: the C program needs SIGKILL.
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

gcc -O2 -o "$work/minimal_fcgi" bench/minimal_fcgi.c -lfcgi -lpthread
python3 bench/make_requests.py "$work"
"$bin" nodes import --inventory "$work/inventory.sqlite" "$work/nodes.json" >/dev/null

"$bin" serve --inventory "$work/inventory.sqlite" --policy deploy/policy.reference.toml --listen "unix:$work/app.sock" --threads "$threads" 2>"$work/app.log" &
app_pid=$!
pids+=("$app_pid")
"$work/minimal_fcgi" "$work/c.sock" "$threads" "$work/reply.json" &
pids+=($!)
for _ in $(seq 100); do [ -S "$work/app.sock" ] && [ -S "$work/c.sock" ] && break; sleep 0.1; done

user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
mkdir -p "$work/tmp"
cp /etc/nginx/fastcgi_params "$work/fastcgi_params"
cat >"$work/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/tmp/body;
    fastcgi_temp_path $work/tmp/fastcgi;
    proxy_temp_path $work/tmp/proxy;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    server {
        listen 127.0.0.1:$port;
        location = /static {
            default_type application/json;
            return 200 '$(cat "$work/reply.json")';
        }
        location = /c {
            include fastcgi_params;
            fastcgi_pass unix:$work/c.sock;
            fastcgi_keep_conn off;
        }
        location = / {
            include fastcgi_params;
            fastcgi_pass unix:$work/app.sock;
            fastcgi_keep_conn off;
        }
    }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# The three answer the same bytes, or the comparison means nothing.
expected=$(cat "$work/reply.json")
for path in static c ""; do
    got=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary "@$work/body-3.json" "http://127.0.0.1:$port/$path")
    [ "$got" = "$expected" ] || { echo "bench: /$path does not answer the reference body: $got" >&2; exit 1; }
done

results="$work/results.jsonl"
peak_rss() { awk '/VmHWM/ {print $2}' "/proc/$app_pid/status"; }
drive() { # contender path connections body label
    local line
    line=$(BODY="$work/body-$4.json" wrk -t"$(($3 < 2 ? 1 : 2))" -c"$3" -d"${duration}s" --timeout 5s \
        -s bench/wrk-post.lua "http://127.0.0.1:$port/$2" | tail -1)
    [[ "$line" == "{"* ]] || { echo "bench: wrk failed for $1 at $3 connections" >&2; exit 1; }
    echo "{\"contender\":\"$1\",\"connections\":$3,\"members\":$4,\"round\":$5,\"result\":$line}" >>"$results"
    echo "  $1 c=$3 members=$4: $line"
}

echo "== throughput: $rounds rounds x connections ($connections) x contenders, ${duration}s each"
for round in $(seq "$rounds"); do
    for c in $connections; do
        drive nginx-static static "$c" 3 "$round"
        drive c-libfcgi c "$c" 3 "$round"
        drive fcgi-check "" "$c" 3 "$round"
    done
done
echo "== time per request by members (fcgi-check, 1 connection)"
for members in 3 100 1000; do drive fcgi-check "" 1 "$members" 0; done
rss_kb=$(peak_rss)

echo "== SQL statements per request (fcgi-check at trace level)"
"$bin" serve --inventory "$work/inventory.sqlite" --policy deploy/policy.reference.toml --listen "unix:$work/trace.sock" --threads 2 --log-level trace \
    2>"$work/trace.log" &
trace_pid=$!
pids+=("$trace_pid")
for _ in $(seq 100); do [ -S "$work/trace.sock" ] && break; sleep 0.1; done
sed -i "s#unix:$work/app.sock#unix:$work/trace.sock#" "$work/nginx.conf"
nginx -p "$work" -c "$work/nginx.conf" -s reload
sleep 1
queries=""
for members in 3 100 1000; do
    before=$(grep -c "FROM node WHERE id IN" "$work/trace.log" || true)
    for _ in $(seq 10); do
        curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "@$work/body-$members.json" \
            "http://127.0.0.1:$port/"
    done
    after=$(grep -c "FROM node WHERE id IN" "$work/trace.log" || true)
    queries="$queries\"$members\":$(awk "BEGIN {print ($after - $before) / 10}"),"
done

venv=.build/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check matplotlib==3.10.7
mkdir -p bench/results
"$venv/bin/python" bench/report.py "$results" "{${queries%,}}" "$rss_kb" \
    "$(nproc) cores, nginx $(nginx -v 2>&1 | cut -d/ -f2), wrk -t2 (-t1 at 1 connection), ${duration}s x $rounds rounds, $threads threads per FastCGI program" \
    bench/results/latest.md bench/results/latest.png
cat bench/results/latest.md
