#!/usr/bin/env bash
# Runs fcgi-check (on the demo inventory, or on INVENTORY) behind a private nginx on 127.0.0.1, both from this
# checkout's files:
# nginx uses deploy/nginx/fcgi-check.conf with only the socket path and the listen address rewritten.
#
#   FCGI_CHECK_BIN  the built binary          (default: .build/debug/fcgi-check)
#   PORT            nginx's port on 127.0.0.1 (default: 8080)
#   RUN_DIR         socket, configuration, logs (default: a new temporary directory, removed on exit; a RUN_DIR you
#                   give is kept)
#   NGINX           the nginx binary          (default: nginx on PATH, else /usr/sbin/nginx)
#   INVENTORY       a SQLite node inventory   (default: none, the built-in demo inventory)
#   UPSTREAM        HOST:PORT of an fcgi-check already running: start only nginx, in front of it
#   POLICY          a policy file, passed as --policy (default: none, the built-in defaults)
#   WORKERS         fcgi-check worker processes under its supervisor (default: 2; 0 serves in one process)
#   FCGI_CHECK_ARGS more arguments for `fcgi-check serve`, split on spaces (e.g. "--threads 4 --max-requests 500")
#   GLIBC_TUNABLES  glibc's allocator settings (default: glibc.malloc.tcache_count=64, as the systemd unit sets)
#
# Prints "ready: http://127.0.0.1:PORT/" once both answer, then runs until SIGTERM or SIGINT (Ctrl-C) and stops both.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${FCGI_CHECK_BIN:-$root/.build/debug/fcgi-check}
port=${PORT:-8080}
made_run_dir=""
if [ -n "${RUN_DIR:-}" ]; then
    run_dir=$RUN_DIR
else
    run_dir=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-check.XXXXXX")
    made_run_dir=$run_dir
fi
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
socket=$run_dir/fcgi-check.sock

[ -x "$bin" ] || { echo "run-local: no fcgi-check binary at $bin (build it with: swift build)" >&2; exit 1; }
[ -x "$nginx" ] || { echo "run-local: nginx not found (install it with: apt-get install nginx)" >&2; exit 1; }
mkdir -p "$run_dir/tmp"

upstream=${UPSTREAM:-unix:$socket}
sed -e "s#unix:/run/fcgi-check/fcgi-check.sock#$upstream#" \
    -e "s#listen 8080;#listen 127.0.0.1:$port;#" \
    "$root/deploy/nginx/fcgi-check.conf" >"$run_dir/fcgi-check.conf"
grep -q "server $upstream[ ;]" "$run_dir/fcgi-check.conf" && grep -q "listen 127.0.0.1:$port;" "$run_dir/fcgi-check.conf" || {
    echo "run-local: deploy/nginx/fcgi-check.conf no longer has the socket path or listen line this script rewrites" >&2
    exit 1
}
cp /etc/nginx/fastcgi_params "$run_dir/fastcgi_params"

# A root master would run its workers as "nobody", who cannot reach our socket: run them as ourselves.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$run_dir/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log $run_dir/nginx-access.log;
    client_body_temp_path $run_dir/tmp/body;
    fastcgi_temp_path $run_dir/tmp/fastcgi;
    proxy_temp_path $run_dir/tmp/proxy;
    uwsgi_temp_path $run_dir/tmp/uwsgi;
    scgi_temp_path $run_dir/tmp/scgi;
    include $run_dir/fcgi-check.conf;
}
CONF

app_pid=""
nginx_pid=""
stop() {
    trap - EXIT INT TERM
    [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null || true
    [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "$made_run_dir" ] && rm -rf "$made_run_dir"
    return 0
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

if [ -z "${UPSTREAM:-}" ]; then
    if [ -n "${INVENTORY:-}" ]; then source_args=(--inventory "$INVENTORY"); else source_args=(--demo); fi
    policy_args=()
    [ -n "${POLICY:-}" ] && policy_args=(--policy "$POLICY")
    # shellcheck disable=SC2086 # FCGI_CHECK_ARGS is a list of words
    app_log=$run_dir/fcgi-check.log
    log_lines=$( (wc -l <"$app_log") 2>/dev/null || echo 0)
    GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.tcache_count=64} \
        "$bin" serve "${source_args[@]}" --listen "unix:$socket" "${policy_args[@]}" --workers "${WORKERS:-2}" \
        ${FCGI_CHECK_ARGS:-} 2>>"$app_log" &
    app_pid=$!
    # Ready once it logs "listening on" (its workers started and serve), not when the socket appears (bound first).
    started() { tail -n "+$((log_lines + 1))" "$app_log" 2>/dev/null | grep -q "listening on"; }
    for _ in $(seq 300); do started && break; kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    started || { echo "run-local: fcgi-check did not start; see $app_log" >&2; cat "$app_log" >&2; exit 1; }
fi

# nginx reads NGINX itself (listening sockets handed over in a binary upgrade): never pass it ours.
env -u NGINX "$nginx" -p "$run_dir" -c "$run_dir/nginx.conf" 2>>"$run_dir/nginx-error.log" &
nginx_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "run-local: nginx did not start; see $run_dir/nginx-error.log" >&2; cat "$run_dir/nginx-error.log" >&2; exit 1; }

echo "logs: $run_dir (fcgi-check.log, nginx-access.log, nginx-error.log)"
echo "ready: http://127.0.0.1:$port/"
echo "pages: http://127.0.0.1:$port/ui (check a proposal, see the grid) and http://127.0.0.1:$port/docs (the API, try it)"
echo "try:   curl -s -X POST -H 'Content-Type: application/json' --data '{\"name\": \"c1\", \"members\": [{\"node_id\": 1, \"name\": \"m1\", \"host\": \"172.16.70.101\", \"port\": 5432}, {\"node_id\": 2, \"name\": \"m2\", \"host\": \"172.16.70.102\", \"port\": 5432}, {\"node_id\": 3, \"name\": \"m3\", \"host\": \"172.16.70.103\", \"port\": 5432}]}' http://127.0.0.1:$port/"
# Runs until a signal, or until either process dies.
wait -n $app_pid "$nginx_pid" || true
echo "run-local: a process exited; stopping" >&2
exit 1
