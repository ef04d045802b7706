#!/usr/bin/env bash
# Runs every fuzz target (cargo-fuzz: libFuzzer + AddressSanitizer) for SECONDS each.
#
#   scripts/fuzz.sh              # 300 s per target
#   scripts/fuzz.sh 60           # a quick pass
#   TARGETS="values sniff" scripts/fuzz.sh 600
#
# Targets (fuzz/fuzz_targets/, logic in fuzz/harness.rs):
#   ledger_bytes      sniffing + the whole ledger reader on arbitrary bytes, then every
#                     shipped rule and detector on the rows (checks read = accepted +
#                     skipped + rejected)
#   sniff             container and encoding sniffing alone
#   values            amount / date / voucher parsing (accepted amounts must round-trip)
#   rule_toml         rule file loading, SQL and keyword compilation, templates, detector
#                     tables; a rule that loads runs its examples and scans a sample ledger
#   sql_condition     `where` conditions: parse, type-check, evaluate
#   reference_tables  units and budget tables (any container), parameter-set TOML
#
# Each corpus (fuzz/corpus/TARGET, kept between runs) is seeded from the repository:
# sample data, the hostile fixtures, rule files, and the saved regressions. Every crash,
# timeout (> 10 s for one input) or out-of-memory input (> 2 GB) is copied to
# tests/fixtures/fuzz-regressions/TARGET/, which `cargo test` replays
# (tests/it/fuzz_regressions.rs). Exit status 1 when anything was found.
#
# Needs cargo-fuzz (installed from crates.io when missing) and nightly compiler flags:
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-300}
[[ $SECS =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
ALL="ledger_bytes sniff values rule_toml sql_condition reference_tables"
read -r -a TARGETS <<<"${TARGETS:-$ALL}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz from crates.io" >&2
    cargo install cargo-fuzz
fi

max_len() {
    case $1 in
    ledger_bytes | sniff) echo 65536 ;;
    values) echo 256 ;;
    sql_condition) echo 4096 ;;
    *) echo 16384 ;;
    esac
}

# Copies small files into the corpus (names by content hash, so reseeding is idempotent).
add() {
    local dir=$1
    shift
    local f
    for f in "$@"; do
        [[ -f $f ]] || continue
        (($(stat -c %s "$f") <= 1048576)) || continue
        cp "$f" "$dir/seed-$(sha1sum "$f" | cut -c1-16)"
    done
}

seed() {
    local t=$1 dir=$ROOT/fuzz/corpus/$1
    mkdir -p "$dir"
    shopt -s nullglob globstar
    case $t in
    ledger_bytes | sniff)
        add "$dir" sample-data/ledgers/* sample-data/broken/* tests/fixtures/hostile/*.{csv,xls,xlsx}
        ;;
    values)
        local i=0 v
        for v in "1,234.56" "¥1234.5" "(12.00)" "-0.005" "1.2.3" "1e308" "--5" "１，２３４．５０" \
            "2025-01-05" "2025年1月5日" "20250105" "45662" "01.05" "2025-02-30" "记字第0003号"; do
            printf '%s' "$v" >"$dir/seed-v$i"
            i=$((i + 1))
        done
        ;;
    rule_toml)
        add "$dir" rules/**/*.toml tests/fixtures/bad-rules/**/*.toml
        ;;
    sql_condition)
        local n=0 line
        while IFS= read -r line; do
            printf '%s' "$line" >"$dir/seed-w$n"
            n=$((n + 1))
        done < <(grep -rhoP '^where\s*=\s*"\K[^"]+' rules || true)
        printf '%s' "summary LIKE '%慰问%' AND amount BETWEEN 100 AND 5000 OR abs(amount) > 1" >"$dir/seed-x"
        ;;
    reference_tables)
        add "$dir" sample-data/units.csv sample-data/budget.csv rules/params/provinces.toml \
            tests/fixtures/hostile/units-*.* tests/fixtures/hostile/budget-*.*
        ;;
    esac
    add "$dir" tests/fixtures/fuzz-regressions/"$t"/*
}

(cd fuzz && cargo fuzz build -O)

found_any=0
SUMMARY=()
for t in "${TARGETS[@]}"; do
    seed "$t"
    artifacts=$ROOT/fuzz/artifacts/$t
    mkdir -p "$artifacts" "$ROOT/fuzz/logs"
    log=$ROOT/fuzz/logs/$t.log
    before=$(find "$artifacts" -type f | wc -l)
    start=$(date +%s)
    echo "fuzz.sh: $t for ${SECS}s (log: fuzz/logs/$t.log)" >&2
    (cd fuzz && cargo fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
        -artifact_prefix="$artifacts/" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
        -ignore_ooms=1 -print_final_stats=1) >"$log" 2>&1 || true
    elapsed=$(($(date +%s) - start))
    after=$(find "$artifacts" -type f | wc -l)
    new=$((after - before))
    mkdir -p "tests/fixtures/fuzz-regressions/$t"
    for f in "$artifacts"/*; do
        [[ -f $f ]] && cp -n "$f" "tests/fixtures/fuzz-regressions/$t/"
    done
    stats=$(grep -aoE '#[0-9]+: cov: [0-9]+ ft: [0-9]+ corp: [0-9]+ exec/s: [0-9]+ oom/timeout/crash: [0-9/]+' "$log" | tail -1 || true)
    ((new > 0)) && found_any=1
    SUMMARY+=("$t: ${elapsed}s, new findings: $new, last stats: ${stats:-n/a}")
done

echo
echo "fuzz.sh: summary"
printf '  %s\n' "${SUMMARY[@]}"
if ((found_any)); then
    echo "fuzz.sh: inputs were found; they are in tests/fixtures/fuzz-regressions/ (replayed by cargo test)"
    exit 1
fi
