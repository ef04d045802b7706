#!/usr/bin/env bash
# The test command from README.md: builds everything and runs every test, including
# each shipped rule's examples and the end-to-end runs over sample-data/, then opens
# the risk report in headless Chromium (scripts/browser-test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --all-targets
bash scripts/browser-test.sh
