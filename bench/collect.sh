#!/usr/bin/env bash
# The collection benchmark, one command: ./bench/collect.sh
#
# Starts a private OpenSSH server on loopback (its own host key, one authorized client key and its configuration in a
# temporary directory, as the end-to-end tests' SSHServer does), listening on ADDRESSES addresses 127.0.0.2, .3, ...
# (OpenSSH listens on 16 at most, so many nodes share each address), and collects inventories of nodes pointing at it
# with `fcgi-check nodes collect --all` from a release build: 200 nodes at --concurrency 1, 8, 32 and 64, then 50,
# 100 and 200 nodes at the default 32. Every node is this machine, so the collector, the ssh clients, sshd and the
# scripts on the "nodes" share its cores. Each run's wall time, rate, the collector's own CPU time and peak resident
# memory, its ssh clients' CPU time, the "nodes'" (sshd's sessions) and the rest of the machine's are measured by
# bench/collect_measure.py. Then 200 nodes again with a classical key exchange (curve25519) instead of OpenSSH 9's
# default post-quantum one, whose key generation is most of the ssh client's CPU time.
# Results: bench/results/collect.md (and each run's measures, bench/results/collect.jsonl).
#
# sshd's MaxStartups (default 10:30:100) would drop connections beyond 10 unauthenticated at once, which a
# concurrency of 32 or 64 opens: this server sets MaxStartups 300:30:600 (as the tests' server does), and the report
# counts failed nodes so that a dropped connection shows.
#
# Knobs: ROUNDS (3), ADDRESSES (8), CONCURRENCIES ("1 8 32 64"), NODE_COUNTS ("50 100 200"), BIN (a built fcgi-check;
# default: build the release one), LOGIN_RC=keep and NETNS=no (see below). Loopback only; needs root (sshd; the
# sessions log in as root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rounds=${ROUNDS:-3}
address_count=${ADDRESSES:-8}
concurrencies=${CONCURRENCIES:-"1 8 32 64"}
node_counts=${NODE_COUNTS:-"50 100 200"}
default_concurrency=32
most_nodes=200
for n in $node_counts; do [ "$n" -gt "$most_nodes" ] && most_nodes=$n; done

[ "$(id -u)" = 0 ] || { echo "bench/collect.sh: run it as root (it starts sshd)" >&2; exit 1; }
[ "$address_count" -ge 1 ] && [ "$address_count" -le 16 ] || { echo "ADDRESSES must be 1 to 16" >&2; exit 1; }
[ -n "${FCGI_BENCH_NETNS:-}" ] || ./scripts/install-dependencies.sh --bench
if [ -z "${BIN:-}" ]; then
    swift build -c release --static-swift-stdlib --product fcgi-check >/dev/null
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/fcgi-check"
fi
# Every "node" sends its socket table (/proc/net/tcp), which on a shared machine holds everyone's sockets: another
# benchmark's tens of thousands made each dump megabytes, and the collector's time and memory with them. Where
# allowed, the rest runs in a network namespace of its own, whose loopback carries the bench's connections only
# (NETNS=no to stay in the machine's).
network="the machine's"
if [ -n "${FCGI_BENCH_NETNS:-}" ]; then
    network="a network namespace of its own"
elif [ "${NETNS:-}" != no ] && command -v ip >/dev/null && unshare --net true 2>/dev/null; then
    exec unshare --net env FCGI_BENCH_NETNS=1 BIN="$BIN" bash -c 'ip link set lo up && exec bash bench/collect.sh'
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-collect-bench.XXXXXX")
sshd_pid=""
cleanup() {
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null && wait "$sshd_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The server: keys, configuration, a free port.
ssh-keygen -q -t ed25519 -N '' -f "$work/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$work/client_ed25519"
cp "$work/client_ed25519.pub" "$work/authorized_keys"
mkdir -p /run/sshd
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
addresses=()
for i in $(seq 2 $((address_count + 1))); do addresses+=("127.0.0.$i"); done
{
    for address in "${addresses[@]}"; do echo "ListenAddress $address:$port"; done
    cat <<CONF
HostKey $work/host_ed25519
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
MaxStartups 300:30:600
MaxSessions 300
LogLevel ERROR
CONF
} >"$work/sshd_config"
# The sessions log in as root, whose login shell (bash, run by sshd) reads ~/.bashrc before the command: what it
# runs (here: pyenv's set-up) is this machine's, not the collector's, and would weigh on every "node". Where a private
# mount namespace is allowed, sshd runs in one with an empty file over ~/.bashrc (LOGIN_RC=keep to keep it).
: >"$work/empty-rc"
rc="ran (no private mount namespace)"
if [ "${LOGIN_RC:-}" != keep ] && [ -f "$HOME/.bashrc" ] &&
    unshare --mount --propagation private sh -c "mount --bind '$work/empty-rc' '$HOME/.bashrc'" 2>/dev/null; then
    rc="emptied for sshd (a private mount namespace with an empty file over ~/.bashrc)"
    unshare --mount --propagation private sh -c 'mount --bind "$1" "$2" && exec "$3" -D -e -f "$4"' sh \
        "$work/empty-rc" "$HOME/.bashrc" /usr/sbin/sshd "$work/sshd_config" 2>"$work/sshd.log" </dev/null &
else
    [ "${LOGIN_RC:-}" = keep ] && rc="kept (LOGIN_RC=keep)"
    [ -f "$HOME/.bashrc" ] || rc="none"
    /usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" </dev/null &
fi
sshd_pid=$!
export SSHD_PID=$sshd_pid
for address in "${addresses[@]}"; do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null && break; sleep 0.1; done
done

# The client: this key only, this server's host key known for every address, strict checking.
known=""
for address in "${addresses[@]}"; do known="$known,[$address]:$port"; done
echo "${known#,} $(cut -d' ' -f1,2 "$work/host_ed25519.pub")" >"$work/known_hosts"
cat >"$work/ssh_config" <<CONF
Host *
    IdentityFile $work/client_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $work/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    CheckHostIP no
    UpdateHostKeys no
    BatchMode yes
    LogLevel ERROR
CONF
ssh -F "$work/ssh_config" -p "$port" "$(id -un)@${addresses[0]}" true </dev/null ||
    { echo "bench/collect.sh: cannot log in to the bench sshd:" >&2; cat "$work/sshd.log" >&2; exit 1; }

# One inventory per node count, nodes spread over the addresses; each run collects a fresh copy.
inventory() { # nodes -> path of a fresh inventory
    local template="$work/template-$1.sqlite"
    if [ ! -f "$template" ]; then
        python3 - "$1" "$port" "$(id -un)" "${addresses[@]}" >"$work/nodes-$1.json" <<'PY'
import json, sys
count, port, user, addresses = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
print(json.dumps([{"id": i, "name": f"node{i}", "host": f"10.0.{i // 250}.{i % 250 + 1}", "ssh_user": user,
                   "ssh_host": addresses[(i - 1) % len(addresses)], "ssh_port": port} for i in range(1, count + 1)]))
PY
        "$BIN" nodes import --inventory "$template" "$work/nodes-$1.json" >/dev/null
    fi
    cp "$template" "$work/run.sqlite"
    rm -f "$work/run.sqlite-wal" "$work/run.sqlite-shm"
    echo "$work/run.sqlite"
}

results="$work/results.jsonl"
measure() { # label nodes concurrency round [more collect arguments]
    local inventory line
    inventory=$(inventory "$2")
    line=$(python3 bench/collect_measure.py run "$1" "$2" "$3" "$4" -- "$BIN" nodes collect --inventory "$inventory" \
        --all --concurrency "$3" --ssh-config "$work/ssh_config" --format json --no-progress "${@:5}")
    echo "$line" >>"$results"
    echo "  $1: $2 nodes, concurrency $3, round $4: $line"
}

echo "== warm-up"
measure warm-up 16 8 0
echo "== $rounds rounds: $most_nodes nodes at concurrency ($concurrencies), ($node_counts) nodes at $default_concurrency," \
    "and $most_nodes nodes with curve25519"
for round in $(seq "$rounds"); do
    for c in $concurrencies; do measure concurrency "$most_nodes" "$c" "$round"; done
    for n in $node_counts; do
        [ "$n" = "$most_nodes" ] && [[ " $concurrencies " == *" $default_concurrency "* ]] && continue
        measure nodes "$n" "$default_concurrency" "$round"
    done
    # OpenSSH 9's default key exchange (sntrup761x25519, post-quantum) costs the client most of its CPU time.
    measure curve25519 "$most_nodes" "$default_concurrency" "$round" --ssh-option KexAlgorithms=curve25519-sha256
done
# The 200-node run at the default concurrency belongs to both series.
grep '"label": "concurrency"' "$results" | grep "\"nodes\": $most_nodes, \"concurrency\": $default_concurrency," |
    sed 's/"label": "concurrency"/"label": "nodes"/' >>"$results"

if [ -s "$work/sshd.log" ]; then
    echo "== sshd logged:"
    sort "$work/sshd.log" | uniq -c | sort -rn | head -5
fi
mkdir -p bench/results
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(ssh -V 2>&1 | cut -d, -f1), $address_count sshd addresses, $(uname -r)"
notes="sshd: MaxStartups 300:30:600, MaxSessions 300 (the defaults would drop connections past 10 unauthenticated"
notes="$notes at once); sshd log lines during the runs: $(wc -l <"$work/sshd.log"). The login user's ~/.bashrc: $rc."
notes="$notes The network: $network."
cp "$results" bench/results/collect.jsonl
python3 bench/collect_measure.py report "$results" "$machine" "$notes" bench/results/collect.md
cat bench/results/collect.md
