# The programs a benchmark puts behind bench/private-nginx.sh, in a work directory of its own: sourced by bench/run.sh,
# steps.sh and syscalls.sh (instructions.sh uses bench_inputs only, ab.sh bench_work, bench_inputs and
# bench_wait_listening), so that each measures the same build, the same inventories and the same C program.
#
#   bench_build                  installs what the benchmarks need and builds the release fcgi-check into $bin
#                                (FCGI_CHECK_BIN to measure another binary)
#   bench_work NAME              makes $work and removes it on exit, with every process in $pids (run
#                                bench_before_cleanup first, if the script defines it)
#   bench_inputs                 the requests of bench/make_requests.py and its two inventories in $work:
#                                inventory.sqlite (OS and systemd facts) and collected.sqlite (every fact)
#   bench_serve NAME ARGS...     fcgi-check serve on $work/NAME.sock, on inventory.sqlite unless ARGS name another;
#                                its pid in pid_of[NAME]
#   bench_c_program THREADS      the minimal C libfcgi program (bench/minimal_fcgi.c) on $work/c-libfcgi.sock
#   bench_wait_listening NAMES   waits until each fcgi-check named listens, or exits showing its log
#   bench_behind_nginx THREADS PORT
#                                the programs of bench_programs (the C program, and fcgi-check as reference,
#                                catalogue and collected), THREADS accept threads each, at /NAME behind one private
#                                nginx on 127.0.0.1:PORT: what bench/steps.sh and bench/syscalls.sh measure

bench_build() {
    ./scripts/install-dependencies.sh --bench
    swift build -c release --static-swift-stdlib --product fcgi-check >/dev/null
    bin=${FCGI_CHECK_BIN:-"$(swift build -c release --static-swift-stdlib --show-bin-path)/fcgi-check"}
}

bench_cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    # libfcgi's own SIGTERM handler only sets a flag: the C program needs SIGKILL.
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if declare -F bench_before_cleanup >/dev/null; then bench_before_cleanup || true; fi
    rm -rf "$work"
}

bench_work() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-$1.XXXXXX")
    pids=()
    trap bench_cleanup EXIT
}

bench_inputs() {
    python3 bench/make_requests.py "$work" >/dev/null
    "$bin" nodes import --inventory "$work/inventory.sqlite" "$work/nodes.json" >/dev/null
    "$bin" nodes import --inventory "$work/collected.sqlite" "$work/nodes-collected.json" >/dev/null
}

declare -A pid_of
bench_serve() {
    local name=$1
    shift
    local inventory=(--inventory "$work/inventory.sqlite")
    [[ " $* " == *" --inventory "* ]] && inventory=()
    "$bin" serve "${inventory[@]}" --listen "unix:$work/$name.sock" "$@" 2>"$work/$name.log" &
    pid_of[$name]=$!
    pids+=($!)
}

bench_c_program() {
    gcc -O2 -o "$work/minimal_fcgi" bench/minimal_fcgi.c -lfcgi -lpthread
    "$work/minimal_fcgi" "$work/c-libfcgi.sock" "$1" "$work/reply.json" &
    pid_of[c-libfcgi]=$!
    pids+=($!)
}

bench_wait_listening() {
    local name
    for name in "$@"; do
        for _ in $(seq 300); do grep -q "listening on" "$work/$name.log" 2>/dev/null && break; sleep 0.1; done
        grep -q "listening on" "$work/$name.log" || {
            echo "bench: $name did not start:" >&2
            cat "$work/$name.log" >&2
            exit 1
        }
    done
}

bench_programs=(c-libfcgi reference catalogue collected)
bench_behind_nginx() {
    local threads=$1 port=$2 name locations=""
    bench_serve reference --policy deploy/policy.reference.toml --threads "$threads"
    bench_serve catalogue --threads "$threads"
    bench_serve collected --inventory "$work/collected.sqlite" --threads "$threads"
    bench_c_program "$threads"
    bench_wait_listening reference catalogue collected
    for name in "${bench_programs[@]}"; do
        locations+=$(private_nginx_location "/$name" "$work/$name.sock")
    done
    private_nginx_write "$work" "$port" auto "$locations"
    private_nginx_start "$work" "$port"
    pids+=("$private_nginx_pid")
}
