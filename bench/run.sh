#!/usr/bin/env bash
# The benchmark, one command: ./bench/run.sh
#
# Starts one private nginx on 127.0.0.1 in front of these contenders, all on unix sockets with the same nginx
# settings and the same accept threads for every FastCGI program:
#   nginx-static   nginx's own reply of the reference body (the front's limit)
#   c-libfcgi      a minimal C libfcgi program (bench/minimal_fcgi.c), the FastCGI path's limit
#   reference      fcgi-check, compat = "reference", on a 1,000-node SQLite inventory (the same 437-byte body)
#   catalogue      fcgi-check, the default catalogue, same inventory (every item; a longer answer)
#   catalogue-13   the same with the 13 items the catalogue had when issue 12 set its targets
#                  (bench/policy.catalogue-13.toml)
#   collected      fcgi-check, the default catalogue, the same nodes with every fact collected (list facts to read,
#                  three failures: the work of a request on nodes that `nodes collect` has seen)
#   workers-2      fcgi-check --workers 2, reference, the threads split between the two workers
#   postgresql     fcgi-check, reference, the same 1,000 nodes in a local PostgreSQL reached through its unix socket
# wrk drives each at 1, 8, 32 and 128 connections in interleaved rounds, and each run's CPU per request is the
# contender's own utime+stime (its process tree, from /proc) over the run divided by the requests wrk counted: steadier
# than requests/s on a shared machine. Before them, fcgi-check alone at 1 connection with 3, 100 and 1,000 members;
# after them, the SQL statements per request, counted from the service's trace log. Results: bench/results/latest.md and latest.png.
#
# Knobs: ROUNDS (3), DURATION seconds per run (5), CONNECTIONS ("1 8 32 128"), THREADS per FastCGI program (8),
# CONTENDERS (all of the above). Loopback only; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/private-nginx.sh
source bench/programs.sh
# Every program here runs with the allocator setting deploy/systemd/fcgi-check.service gives the service.
export GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.tcache_count=64}

rounds=${ROUNDS:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-"1 8 32 128"}
threads=${THREADS:-8}
contenders=${CONTENDERS:-"nginx-static c-libfcgi reference catalogue catalogue-13 collected workers-2 postgresql"}
port=${PORT:-18300}

bench_build
bench_work bench
bench_before_cleanup() {
    [ -n "${pg_ctl:-}" ] && $as_postgres "$pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1
}
bench_inputs

# A private PostgreSQL on a unix socket in $work/pg (as the postgres user under root: PostgreSQL refuses root).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_ctl=$pg_bin/pg_ctl
as_postgres=""
[ "$(id -u)" = 0 ] && as_postgres="runuser -u postgres --"
mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg" && chmod 755 "$work"
$as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust --no-sync >/dev/null
printf "listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\nmax_connections = 100\n" "$work/pg" \
    >>"$work/pg/data/postgresql.conf"
$as_postgres "$pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w start >/dev/null
$as_postgres "$pg_bin/psql" -h "$work/pg" -U postgres -qc "CREATE DATABASE fcgi_check" postgres
pg_inventory="postgresql://postgres@/fcgi_check?host=$work/pg"
"$bin" nodes import --inventory "$pg_inventory" "$work/nodes.json" >/dev/null

bench_serve reference --policy deploy/policy.reference.toml --threads "$threads"
bench_serve catalogue --threads "$threads"
bench_serve catalogue-13 --policy bench/policy.catalogue-13.toml --threads "$threads"
bench_serve collected --inventory "$work/collected.sqlite" --threads "$threads"
bench_serve workers-2 --policy deploy/policy.reference.toml --workers 2 --threads "$(((threads + 1) / 2))"
bench_serve postgresql --inventory "$pg_inventory" --policy deploy/policy.reference.toml --threads "$threads"
bench_c_program "$threads"
bench_wait_listening reference catalogue catalogue-13 collected workers-2 postgresql

# /queries is pointed at each traced service in turn (count_queries, below): its socket is the one before "# queries".
locations="
        location = /queries {
            include fastcgi_params;
            fastcgi_pass unix:$work/none.sock; # queries
            fastcgi_keep_conn off;
        }
        location = /nginx-static {
            default_type application/json;
            return 200 '$(cat "$work/reply.json")';
        }"
for name in c-libfcgi reference catalogue catalogue-13 collected workers-2 postgresql; do
    locations+=$(private_nginx_location "/$name" "$work/$name.sock")
done
private_nginx_write "$work" "$port" auto "$locations"
private_nginx_start "$work" "$port"
pids+=("$private_nginx_pid")

post() { curl -s -X POST -H 'Content-Type: application/json' --data-binary "@$work/body-$2.json" "http://127.0.0.1:$port/$1"; }
# The reference contenders answer the same bytes, or the comparison means nothing.
expected=$(cat "$work/reply.json")
for path in nginx-static c-libfcgi reference workers-2 postgresql; do
    got=$(post "$path" 3)
    [ "$got" = "$expected" ] || { echo "bench: /$path does not answer the reference body: $got" >&2; exit 1; }
done
catalogue_bytes=$(post catalogue 3 | wc -c)
catalogue_13_bytes=$(post catalogue-13 3 | wc -c)
collected_bytes=$(post collected 3 | wc -c)

clock_ticks=$(getconf CLK_TCK)
# utime+stime of a process and its descendants, in clock ticks.
cpu_ticks() {
    local total=0 pid child
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat")))
        for child in $(pgrep -P "$pid" || true); do total=$((total + $(cpu_ticks "$child"))); done
    done
    echo "$total"
}

results="$work/results.jsonl"
drive() { # contender connections members round
    local line before after pid=${pid_of[$1]:-}
    [ -n "$pid" ] && before=$(cpu_ticks "$pid")
    line=$(BODY="$work/body-$3.json" wrk -t"$(($2 < 2 ? 1 : 2))" -c"$2" -d"${duration}s" --timeout 5s \
        -s bench/wrk-post.lua "http://127.0.0.1:$port/$1" | tail -1)
    [[ "$line" == "{"* ]] || { echo "bench: wrk failed for $1 at $2 connections" >&2; exit 1; }
    local cpu_us=null
    if [ -n "$pid" ]; then
        after=$(cpu_ticks "$pid")
        cpu_us=$(python3 -c "import json,sys; r=json.loads(sys.argv[1]); print(round(($after-$before)*1e6/$clock_ticks/max(r['requests'],1),1))" "$line")
    fi
    echo "{\"contender\":\"$1\",\"connections\":$2,\"members\":$3,\"round\":$4,\"cpu_us\":$cpu_us,\"result\":$line}" >>"$results"
    echo "  $1 c=$2 members=$3: $line cpu/request=${cpu_us} us"
}

# Time per request by members first, on a quiet machine: right after the last round (PostgreSQL at 128 connections)
# two runs of three measured it 40-80% slower than the same binary alone, while the server settled.
echo "== time per request by members (reference, 1 connection)"
for members in 3 100 1000; do drive reference 1 "$members" 0; done
echo "== throughput: $rounds rounds x connections ($connections) x contenders ($contenders), ${duration}s each"
for round in $(seq "$rounds"); do
    for c in $connections; do
        for name in $contenders; do drive "$name" "$c" 3 "$round"; done
    done
done
peak_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/${pid_of[reference]}/status")

echo "== SQL statements per request (reference on SQLite and on PostgreSQL, at trace level)"
count_queries() { # label, then serve's arguments
    local label=$1
    shift
    bench_serve "trace-$label" --policy deploy/policy.reference.toml --threads 2 --log-level trace "$@"
    bench_wait_listening "trace-$label"
    sed -i "s#unix:$work/[a-z0-9-]*\.sock; \# queries#unix:$work/trace-$label.sock; \# queries#" "$work/nginx.conf"
    nginx -p "$work" -c "$work/nginx.conf" -s reload
    sleep 1
    for members in 3 100 1000; do
        before=$(grep -c "sql: SELECT" "$work/trace-$label.log" || true)
        for _ in $(seq 10); do post queries "$members" >/dev/null; done
        after=$(grep -c "sql: SELECT" "$work/trace-$label.log" || true)
        queries="$queries\"$label-$members\":$(awk "BEGIN {print ($after - $before) / 10}"),"
    done
}
queries=""
count_queries sqlite
count_queries postgresql --inventory "$pg_inventory"

venv=.build/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check matplotlib==3.10.7
mkdir -p bench/results
machine="$(nproc) cores, nginx $(nginx -v 2>&1 | cut -d/ -f2), wrk -t2 (-t1 at 1 connection), ${duration}s x $rounds rounds"
machine+=", $threads threads per FastCGI program; the catalogue's answer is $catalogue_bytes bytes"
machine+=", catalogue-13's $catalogue_13_bytes, collected's $collected_bytes"
"$venv/bin/python" bench/report.py "$results" "{${queries%,}}" "$peak_rss_kb" "$machine" \
    bench/results/latest.md bench/results/latest.png
cat bench/results/latest.md
