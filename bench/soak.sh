#!/usr/bin/env bash
# Soak: ./bench/soak.sh (SOAK_SECONDS, default 300). A release fcgi-check behind a private nginx on 127.0.0.1
# (deploy/run-local.sh) gets 8 clients' mixed valid and invalid requests for the whole time; every answer is checked
# byte for byte, and the app's resident memory and open descriptors must stay flat (last third of the run against
# the first). Writes bench/results/soak.json. Loopback only, bounded by SOAK_SECONDS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${SOAK_SECONDS:-300}
port=${PORT:-18500}
./scripts/install-dependencies.sh
swift build -c release --static-swift-stdlib --product fcgi-check >/dev/null
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-soak.XXXXXX")
# One serving process (WORKERS=0): its memory is what must stay flat, and a supervisor replacing workers would hide a
# leak rather than show it. The answers are checked against the reference's bytes: run under compat = "reference".
POLICY=deploy/policy.reference.toml WORKERS=0 \
    FCGI_CHECK_BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/fcgi-check" PORT=$port RUN_DIR=$run_dir \
    ./deploy/run-local.sh >"$run_dir/run-local.out" 2>&1 &
runner=$!
trap 'kill $runner 2>/dev/null; wait $runner 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "^ready:" "$run_dir/run-local.out" 2>/dev/null && break; sleep 0.1; done
app_pid=$(pgrep -f "serve --demo --listen unix:$run_dir/fcgi-check.sock")
mkdir -p bench/results
python3 bench/soak_client.py "$port" "$seconds" "$app_pid" bench/results/soak.json
