#!/usr/bin/env bash
# Browser test of the risk report: builds report.html from sample-data/ledgers plus a
# ledger with injected markup (tests/browser/fixtures/), opens it in Debian's headless
# Chromium through playwright-core and checks it (tests/browser/report.test.js).
# Installs the `chromium` package when it is missing and fails, never skips, when it
# cannot. Screenshots and a PDF print are kept in target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${FW_CHROMIUM:-/usr/bin/chromium}"
ARTIFACTS="$PWD/target/browser-artifacts"

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        return 1
    fi
}

if [ ! -x "$CHROMIUM" ]; then
    echo "browser-test: $CHROMIUM missing; installing Debian's chromium package" >&2
    if ! { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium; }; then
        echo "browser-test: FAILED: cannot install chromium (apt-get install chromium as root)" >&2
        exit 1
    fi
    if [ ! -x "$CHROMIUM" ]; then
        echo "browser-test: FAILED: chromium installed but $CHROMIUM is not there" >&2
        exit 1
    fi
fi
# Chinese text needs a CJK font, or the screenshots show boxes (the checks still hold).
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 ||
        echo "browser-test: warning: no CJK font (fonts-noto-cjk); screenshots will show boxes" >&2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "browser-test: FAILED: node and npm are needed (Node.js 20 or newer)" >&2
    exit 1
fi

cargo build --locked --quiet
BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/fundwatch"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
status=0
"$BIN" scan sample-data/ledgers tests/browser/fixtures --format json -o "$WORK/findings.json" \
    --report "$WORK/report" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "browser-test: FAILED: fundwatch scan exited with $status" >&2
    exit 1
fi

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
cp "$WORK/report/report.html" "$ARTIFACTS/report.html"
(cd tests/browser && npm ci --silent --no-audit --no-fund)
echo "browser-test: screenshots and report.pdf go to $ARTIFACTS"
FW_REPORT_HTML="$WORK/report/report.html" FW_JSON="$WORK/findings.json" \
    FW_ARTIFACTS="$ARTIFACTS" FW_CHROMIUM="$CHROMIUM" \
    node --test --test-reporter=spec tests/browser/report.test.js
