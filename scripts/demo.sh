#!/usr/bin/env bash
# One command from a fresh Debian 12 machine with Swift to the service running behind nginx on the demo inventory:
# installs what is missing, builds, and runs fcgi-check plus a private nginx on http://127.0.0.1:${PORT:-8080}/
# until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/install-dependencies.sh
# The Swift runtime linked in: the binary needs no toolchain where it runs, and is 6 MiB smaller in memory.
swift build -c release --static-swift-stdlib
FCGI_CHECK_BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/fcgi-check" exec ./deploy/run-local.sh
