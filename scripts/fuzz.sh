#!/usr/bin/env bash
# Fuzzes the request path (body bytes and content type -> status and JSON body) with libFuzzer and AddressSanitizer
# for FUZZ_SECONDS (default 60), starting from the seed corpus in Tests/Fuzz/corpus. A crash leaves its input in
# .build-fuzz/artifacts/ and fails the run: copy that file into Tests/Fuzz/corpus/ and it is replayed by every test
# run from then on (scripts/test.sh runs the replayer over the corpus).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${FUZZ_SECONDS:-60}
swift build --product FuzzRequestPath -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path .build-fuzz
fuzzer="$(swift build --product FuzzRequestPath -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
    --scratch-path .build-fuzz --show-bin-path)/FuzzRequestPath"
work=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp Tests/Fuzz/corpus/* "$work/"
mkdir -p .build-fuzz/artifacts
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=.build-fuzz/artifacts/ "$work" 2>&1 | tail -15
