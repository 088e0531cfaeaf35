#!/usr/bin/env bash
# Runs every test: formatting lint, a warning-free build, the Swift suites (unit, and end to end through a real nginx
# in front of the real binary), the same suites again under ThreadSanitizer (any report fails them), a minute of
# fuzzing the request path (libFuzzer + AddressSanitizer), and the differential test that sends the same requests to the reference FastAPI service and to ours through nginx and
# compares the bytes, and the browser test of the pages (/docs, /ui) in headless Chromium. Installs what is missing
# first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/install-dependencies.sh --test

echo "== swift format lint"
swift format lint --strict --recursive Package.swift Sources Tests

echo "== swift build (warnings are errors)"
swift build --build-tests 2>&1 | tee .build-log.txt
if grep -E "(Sources|Tests)/.*: warning:" .build-log.txt; then
    echo "test: the build has warnings" >&2
    exit 1
fi
rm -f .build-log.txt

echo "== swift test"
swift test --skip-build

echo "== swift test under ThreadSanitizer (the binary the end-to-end tests start is instrumented too)"
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
FCGI_CHECK_BIN="$(swift build --sanitize=thread --scratch-path .build-tsan --show-bin-path)/fcgi-check" \
    swift test --skip-build --sanitize=thread --scratch-path .build-tsan

echo "== fuzz corpus replay, then ${FUZZ_SECONDS:-60} s of libFuzzer + AddressSanitizer on the request path"
"$(swift build --show-bin-path)/FuzzRequestPath" Tests/Fuzz/corpus/*
./scripts/fuzz.sh

echo "== differential test against the reference FastAPI service"
venv=.build/test-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r Tests/Differential/requirements.txt
FCGI_CHECK_BIN="$(swift build --show-bin-path)/fcgi-check" "$venv/bin/python" -m pytest -q Tests/Differential

echo "== browser test of /docs and /ui (headless Chromium through Selenium; screenshots in .build/browser-output)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r Tests/Browser/requirements.txt
FCGI_CHECK_BIN="$(swift build --show-bin-path)/fcgi-check" BROWSER_OUTPUT=.build/browser-output \
    "$venv/bin/python" -m pytest -q Tests/Browser
