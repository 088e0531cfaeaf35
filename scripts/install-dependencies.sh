#!/usr/bin/env bash
# Installs what fcgi-check needs on Debian 12 (Swift itself must already be on PATH): libfcgi-dev, libsqlite3-dev, libpq-dev and nginx to
# build and run it, and with --test also what the test suite needs (Python's venv, for the differential test against the
# reference FastAPI service; systemd-analyze, to verify the unit files; openssh-server and busybox, for collection; postgresql, for the shared inventory; chromium, chromium-driver and a Chinese font, for the pages' browser test), with --bench what bench/run.sh, bench/collect.sh and bench/instructions.sh need (wrk, gcc, openssh-server, valgrind). Installs nothing that is already
# there; runs apt-get through sudo when not root.
set -euo pipefail

with_tests=false
with_bench=false
[ "${1:-}" = "--test" ] && with_tests=true
[ "${1:-}" = "--bench" ] && with_bench=true

command -v swift >/dev/null || { echo "install-dependencies: swift is not on PATH; install the Swift toolchain first (https://www.swift.org/install/linux/)" >&2; exit 1; }

missing=()
pkg-config --exists fcgi 2>/dev/null || missing+=(libfcgi-dev pkg-config)
pkg-config --exists sqlite3 2>/dev/null || missing+=(libsqlite3-dev)
# libpq, PostgreSQL's client library: the inventory shared by several service hosts.
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
if $with_tests; then
    command -v python3 >/dev/null || missing+=(python3)
    python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    # systemd-analyze verifies deploy/systemd's units.
    command -v systemd-analyze >/dev/null || missing+=(systemd)
    # nodes collect is tested against a real OpenSSH server on loopback, and its script under BusyBox sh.
    [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
    command -v ssh >/dev/null || missing+=(openssh-client)
    command -v busybox >/dev/null || missing+=(busybox)
    # A real PostgreSQL server (initdb, pg_ctl, pg_basebackup) for the shared-inventory tests.
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    # The pages' browser test (Tests/Browser): headless Chromium driven by Selenium through chromium-driver, and a
    # font with Chinese glyphs for its screenshots (the pages are Chinese by default).
    command -v chromium >/dev/null || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
fi

if $with_bench; then
    # bench/collect.sh collects over a private sshd on loopback.
    [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
    command -v ssh >/dev/null || missing+=(openssh-client)
    command -v wrk >/dev/null || missing+=(wrk)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v gcc >/dev/null || missing+=(gcc libc6-dev)
    command -v python3 >/dev/null || missing+=(python3)
    python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    # bench/instructions.sh counts a request's instructions under callgrind.
    command -v valgrind >/dev/null || missing+=(valgrind)
    # bench/steps.sh divides a request's CPU among its steps with perf's sampled profile.
    command -v perf >/dev/null || missing+=(linux-perf)
fi

if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "install-dependencies: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
