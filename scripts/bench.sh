#!/usr/bin/env bash
# End-to-end performance benchmark of the release binary, with DuckDB as the reference.
#
#   scripts/bench.sh                 # 10 000 000 rows (~1.4 GB UTF-8); takes a while
#   ROWS=1000000 scripts/bench.sh    # quick run
#
# Environment:
#   ROWS       data rows of the main ledger (default 10000000); the scaling run uses ROWS/10
#   BENCH_DIR  where ledgers, rule packs, logs and results go
#              (default ~/.cache/fundwatch-bench); ledgers are reused while their row
#              count, encoding and the generator's source are unchanged
#   REPEAT     runs per measurement, best time kept (default 3 up to 2M rows, else 1).
#              The runs the targets divide (the reads, the shipped-pack scans, DuckDB's
#              parse) go in rounds, one of each per round, at least 3 rounds; DuckDB's
#              full parse and the small ledgers' runs also run at least 3 times
#   FUNDWATCH_BIN  benchmark this binary instead of running `cargo build --release`
#
# Measures wall time, CPU time and peak RSS (/usr/bin/time -f '%e %M %U %S') of
#   a. the read alone: fundwatch inspect --format json FILE (UTF-8 and GBK)
#   b. the scan with the shipped pack: fundwatch scan FILE --format jsonl --output /dev/null
#      --fail-on critical (exit 1 = findings is fine; 2 is an error), and with the
#      negative-list pack alone (the row rules the scan issue's target is about; the
#      shipped pack adds the caps, budget rules and pattern detectors)
#   c. DuckDB (python package, installed from PyPI when missing) on the UTF-8 file:
#      parsing it, and the "equivalent SQL" generated from rules/negative-list/*.toml by
#      scripts/bench_helper.py
#   d. the scan with 10 and with 100 synthetic keyword rules (--no-default-rules --rules DIR)
#   e. the scan on ROWS/10 rows, for linearity
#   f. the read and scan of that ledger with every summary made distinct (as in real
#      exports, where summaries carry names and months), which nothing can share
# and prints a Markdown table, also written to $BENCH_DIR/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROWS=${ROWS:-10000000}
BENCH_DIR=${BENCH_DIR:-$HOME/.cache/fundwatch-bench}
if [[ -z ${REPEAT:-} ]]; then
    if ((ROWS <= 2000000)); then REPEAT=3; else REPEAT=1; fi
fi
SMALL_ROWS=$((ROWS / 10))
HELPER=$ROOT/scripts/bench_helper.py
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/fundwatch
[[ $BIN = /* ]] || BIN=$ROOT/$BIN

die() {
    echo "bench.sh: error: $*" >&2
    exit 1
}
log() { echo "bench.sh: $*" >&2; }

[[ $ROWS =~ ^[0-9]+$ ]] && ((ROWS >= 10)) || die "ROWS must be a whole number ≥ 10 (got '$ROWS')"
mkdir -p "$BENCH_DIR/logs"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# ---------------------------------------------------------------- tools
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time (Debian package 'time')"
    { apt-get update -qq && apt-get install -y -qq time; } >&2 || die "cannot install GNU time (/usr/bin/time)"
fi
python3 -c 'import sys, tomllib; assert sys.version_info >= (3, 11)' 2>/dev/null ||
    die "python3 ≥ 3.11 is needed (tomllib)"
if ! python3 -c 'import duckdb' 2>/dev/null; then
    log "installing DuckDB from PyPI (python3 -m pip install duckdb)"
    python3 -m pip install duckdb >&2 || die "cannot install DuckDB from PyPI: the comparison needs it"
    python3 -c 'import duckdb' || die "DuckDB was installed but does not import"
fi
DUCKDB_VERSION=$(python3 -c 'import duckdb; print(duckdb.__version__)')

if [[ -n ${FUNDWATCH_BIN:-} ]]; then
    # Benchmark a binary built elsewhere (e.g. an older commit) instead of building.
    [[ -x $FUNDWATCH_BIN ]] || die "FUNDWATCH_BIN=$FUNDWATCH_BIN is not an executable"
    BUILT_FROM="prebuilt $FUNDWATCH_BIN"
    SOURCE_BIN=$FUNDWATCH_BIN
else
    log "cargo build --release"
    cargo build --release >&2
    [[ -x $BIN ]] || die "no binary at $BIN"
    BUILT_FROM="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo " + uncommitted changes ($(git diff --shortstat HEAD | sed 's/^ *//'))")"
    SOURCE_BIN=$BIN
fi
# Measure a private copy: a rebuild of target/ during the run must not swap the binary.
mkdir -p "$BENCH_DIR/bin"
cp "$SOURCE_BIN" "$BENCH_DIR/bin/fundwatch"
BIN=$BENCH_DIR/bin/fundwatch

# ---------------------------------------------------------------- data
# The generator's sources: a change to them invalidates the cached ledgers.
GEN_HASH=$(cat src/synth/large.rs src/synth/chart.rs src/synth/names.rs src/synth/rng.rs src/synth/text.rs |
    sha256sum | cut -c1-16)

# ledger ROWS ENCODING -> prints the path, generating the file unless a valid one exists.
ledger() {
    local rows=$1 enc=$2
    local file=$BENCH_DIR/ledger-$enc-$rows.csv
    local stamp=$file.stamp want
    if [[ -f $file && -f $stamp ]]; then
        want="rows=$rows encoding=$enc seed=1 generator=$GEN_HASH bytes=$(stat -c %s "$file")"
        if [[ $(cat "$stamp") == "$want" ]]; then
            log "reusing $file"
            echo "$file"
            return
        fi
    fi
    rm -f "$stamp"
    log "generating $file ($rows rows, $enc)"
    "$BIN" synth large --out "$file" --rows "$rows" --seed 1 --encoding "$enc" >&2 ||
        die "cannot generate $file"
    # Check the row count once, when the file is written: header + rows lines.
    local lines
    lines=$(wc -l <"$file")
    ((lines == rows + 1)) || die "$file has $lines lines, expected $((rows + 1))"
    echo "rows=$rows encoding=$enc seed=1 generator=$GEN_HASH bytes=$(stat -c %s "$file")" >"$stamp"
    echo "$file"
}

UTF8=$(ledger "$ROWS" utf8)
GBK=$(ledger "$ROWS" gbk)
SMALL=$(ledger "$SMALL_ROWS" utf8)
UTF8_BYTES=$(stat -c %s "$UTF8")
GBK_BYTES=$(stat -c %s "$GBK")
SMALL_BYTES=$(stat -c %s "$SMALL")
# The small ledger with every summary made distinct (real exports often write a name, a
# month or a number into the summary): keyword hits and LIKE results can no longer be
# shared between rows, and every summary is a new string to intern. The generated
# ledgers have no quoted cells, so splitting at commas is exact.
DISTINCT=$BENCH_DIR/ledger-utf8-$SMALL_ROWS-distinct.csv
if [[ ! -s $DISTINCT || $DISTINCT -ot $SMALL ]]; then
    awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $3 = $3 "第" NR "号"; print }' \
        "$SMALL" >"$DISTINCT.tmp" && mv "$DISTINCT.tmp" "$DISTINCT"
fi
DISTINCT_BYTES=$(stat -c %s "$DISTINCT")

# Synthetic rule packs for the keyword-scaling run.
for n in 10 100; do
    python3 "$HELPER" synth-rules "$BENCH_DIR/rules-$n" "$n"
    "$BIN" rules check "$BENCH_DIR/rules-$n" >&2 || die "the synthetic $n-rule pack does not load"
done

# DuckDB queries.
SQL_DIR=$BENCH_DIR/sql
mkdir -p "$SQL_DIR"
csv_sql() { printf "read_csv('%s', header=true, all_varchar=false)" "${1//\'/\'\'}"; }
# Parse: sum() over a numeric column makes DuckDB tokenise every line and convert that
# column; the other columns are tokenised but (projection pushdown) not converted.
echo "SELECT count(*), sum(\"借方金额\") FROM $(csv_sql "$UTF8");" >"$SQL_DIR/parse.sql"
# Full parse: every column converted to its sniffed type and materialised in memory,
# which is what fundwatch's read does (it keeps every row).
echo "CREATE TABLE t AS SELECT * FROM $(csv_sql "$UTF8"); SELECT count(*) FROM t;" >"$SQL_DIR/full.sql"
python3 "$HELPER" sql rules/negative-list "$UTF8" >"$SQL_DIR/equivalent.sql" 2>"$SQL_DIR/equivalent.notes"
python3 "$HELPER" sql rules/negative-list "$SMALL" >"$SQL_DIR/equivalent-small.sql" 2>/dev/null
echo "SELECT 1;" >"$SQL_DIR/noop.sql"

# ---------------------------------------------------------------- measuring
TSV=$BENCH_DIR/results.tsv
: >"$TSV"

warm() { cat "$@" >/dev/null; }

# Per key: best time, CPU (user + sys) of that run, largest peak RSS (KB).
declare -A BEST CPU PEAK

# run_once KEY LABEL OK_EXIT_CODES -- COMMAND...
# One timed run of COMMAND (stdout to /dev/null) for KEY; fails on an exit code not in
# OK_EXIT_CODES.
run_once() {
    local key=$1 label=$2 ok=$3
    shift 4
    local rc=0 out secs kb usr sys err=$BENCH_DIR/logs/$key.stderr
    out=$(mktemp)
    /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >/dev/null 2>"$err" || rc=$?
    if [[ " $ok " != *" $rc "* ]]; then
        cat "$err" >&2
        rm -f "$out"
        die "$label: exit code $rc (allowed: $ok): $*"
    fi
    read -r secs kb usr sys < <(tail -n 1 "$out")
    rm -f "$out"
    if [[ -z ${BEST[$key]:-} ]] || awk -v a="$secs" -v b="${BEST[$key]}" 'BEGIN { exit !(a < b) }'; then
        BEST[$key]=$secs
        CPU[$key]=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
    ((kb > ${PEAK[$key]:-0})) && PEAK[$key]=$kb
    return 0
}

# record KEY LABEL FILE_BYTES DUCKDB_KEY READ_KEY: logs KEY's best run and adds its line
# to the results.
record() {
    local key=$1 label=$2 bytes=$3 dkey=$4 rkey=$5
    log "$(printf '%-42s %8ss %8ss CPU %8d MB' "$label" "${BEST[$key]}" "${CPU[$key]}" $((PEAK[$key] / 1024)))"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$label" "${BEST[$key]}" "${PEAK[$key]}" "$bytes" "$dkey" "$rkey" "${CPU[$key]}" >>"$TSV"
}

# measure KEY LABEL FILE_BYTES DUCKDB_KEY READ_KEY OK_EXIT_CODES -- COMMAND...
# Runs COMMAND $REPEAT times and records the best time and the largest peak RSS.
measure() {
    local key=$1 label=$2 bytes=$3 dkey=$4 rkey=$5 ok=$6 i repeat=$REPEAT
    shift 7
    # Cheap runs (the small ledger, DuckDB start-up) are repeated at least 3 times: on a
    # shared machine single runs vary by up to 30%. The long DuckDB SQL runs are not.
    case $key in
    *_small | *_distinct | duck_noop | duck_full) ((repeat < 3)) && repeat=3 ;;
    esac
    for ((i = 1; i <= repeat; i++)); do
        run_once "$key" "$label" "$ok" -- "$@"
    done
    record "$key" "$label" "$bytes" "$dkey" "$rkey"
}

SCAN=(scan --format jsonl --output /dev/null --fail-on critical)
DUCK=(python3 "$HELPER" duckdb)

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "measuring (REPEAT=$REPEAT); ledger $ROWS rows: UTF-8 $UTF8_BYTES bytes, GBK $GBK_BYTES bytes"
warm "$UTF8" "$GBK" "$SMALL" "$DISTINCT"
# The runs the targets divide (reads, the shipped-pack and negative-list scans, DuckDB's
# parse) go round
# by round, one of each per round, at least 3 rounds: the machine's speed drifts over
# minutes (the same scan once took 6.7 s and 8.1 s ten minutes apart), and measured one
# after the other their ratios took in the drift.
ROUNDS=$((REPEAT < 3 ? 3 : REPEAT))
for ((round = 1; round <= ROUNDS; round++)); do
    run_once read_utf8 "read alone, UTF-8 (inspect)" "0" -- "$BIN" inspect --format json "$UTF8"
    run_once scan_utf8 "scan, shipped pack, UTF-8" "0 1" -- "$BIN" "${SCAN[@]}" "$UTF8"
    run_once scan_neg "scan, negative-list pack alone, UTF-8" "0 1" -- \
        "$BIN" "${SCAN[@]}" --no-default-rules --rules rules/negative-list "$UTF8"
    run_once duck_parse "DuckDB: parse (count, sum 借方金额)" "0" -- "${DUCK[@]}" "$SQL_DIR/parse.sql"
    run_once read_gbk "read alone, GBK (inspect)" "0" -- "$BIN" inspect --format json "$GBK"
    run_once scan_gbk "scan, shipped pack, GBK" "0 1" -- "$BIN" "${SCAN[@]}" "$GBK"
done
record read_utf8 "read alone, UTF-8 (inspect)" "$UTF8_BYTES" duck_parse ""
record read_gbk "read alone, GBK (inspect)" "$GBK_BYTES" duck_parse read_utf8
record scan_utf8 "scan, shipped pack, UTF-8" "$UTF8_BYTES" duck_sql read_utf8
record scan_neg "scan, negative-list pack alone, UTF-8" "$UTF8_BYTES" duck_sql read_utf8
record scan_gbk "scan, shipped pack, GBK" "$GBK_BYTES" duck_sql read_gbk
measure scan_r10 "scan, 10 synthetic rules, UTF-8" "$UTF8_BYTES" "" read_utf8 "0 1" -- \
    "$BIN" "${SCAN[@]}" --no-default-rules --rules "$BENCH_DIR/rules-10" "$UTF8"
measure scan_r100 "scan, 100 synthetic rules, UTF-8" "$UTF8_BYTES" "" read_utf8 "0 1" -- \
    "$BIN" "${SCAN[@]}" --no-default-rules --rules "$BENCH_DIR/rules-100" "$UTF8"
measure read_small "read alone, UTF-8, $SMALL_ROWS rows" "$SMALL_BYTES" "" "" "0" -- "$BIN" inspect --format json "$SMALL"
measure scan_small "scan, shipped pack, UTF-8, $SMALL_ROWS rows" "$SMALL_BYTES" "" read_small "0 1" -- "$BIN" "${SCAN[@]}" "$SMALL"
measure read_distinct "read alone, $SMALL_ROWS rows, distinct summaries" "$DISTINCT_BYTES" "" "" "0" -- "$BIN" inspect --format json "$DISTINCT"
measure scan_distinct "scan, shipped pack, $SMALL_ROWS rows, distinct summaries" "$DISTINCT_BYTES" "" read_distinct "0 1" -- "$BIN" "${SCAN[@]}" "$DISTINCT"
measure duck_noop "DuckDB: python + import only" 0 "" "" "0" -- "${DUCK[@]}" "$SQL_DIR/noop.sql"
record duck_parse "DuckDB: parse (count, sum 借方金额)" "$UTF8_BYTES" "" ""
measure duck_parse_1t "DuckDB: parse, 1 thread" "$UTF8_BYTES" duck_parse "" "0" -- "${DUCK[@]}" "$SQL_DIR/parse.sql" 1
measure duck_full "DuckDB: full parse into a table" "$UTF8_BYTES" duck_parse "" "0" -- "${DUCK[@]}" "$SQL_DIR/full.sql"
measure duck_sql "DuckDB: equivalent SQL" "$UTF8_BYTES" duck_parse "" "0" -- "${DUCK[@]}" "$SQL_DIR/equivalent.sql"
measure duck_sql_1t "DuckDB: equivalent SQL, 1 thread" "$UTF8_BYTES" duck_sql "" "0" -- "${DUCK[@]}" "$SQL_DIR/equivalent.sql" 1

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- sanity check (not timed)
# Findings per rule from fundwatch next to the rows the equivalent SQL flags, on the small
# ledger: the SQL ignores exclusions, so its counts are upper bounds.
"$BIN" scan "$SMALL" --format jsonl --output "$BENCH_DIR/logs/findings-small.jsonl" --fail-on critical 2>/dev/null ||
    [[ $? == 1 ]] || die "sanity scan failed"
python3 "$HELPER" duckdb "$SQL_DIR/equivalent-small.sql" >"$BENCH_DIR/logs/equivalent-small.json"

# ---------------------------------------------------------------- report
META=$BENCH_DIR/meta.md
{
    echo "## fundwatch benchmark, $ROWS rows"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); fundwatch $("$BIN" --version | awk '{print $2}') built from $BUILT_FROM"
    echo "- machine: nproc $(nproc); CPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); RAM $(free -g | awk '/^Mem:/ {print $2}') GiB; $(uname -sr)"
    echo "- load average (1, 5, 15 min) before measuring: $LOAD_BEFORE; after: $LOAD_AFTER (other work on the machine skews the times)"
    echo "- DuckDB $DUCKDB_VERSION (Python package), default threads = $(nproc) unless the row says 1 thread; its times include starting Python and importing duckdb (see the import-only row). fundwatch reads a large text file on two threads (line splitting and row conversion) and runs rules, detectors and output on rayon's pool (nproc threads)."
    echo "- ledgers: $UTF8 ($UTF8_BYTES bytes), $GBK ($GBK_BYTES bytes), $SMALL ($SMALL_BYTES bytes; $SMALL_ROWS rows), $DISTINCT (the same with distinct summaries, $DISTINCT_BYTES bytes); page cache warm"
    echo "- CPU s = user + sys of the run kept; it moves less than wall time when other jobs share the machine (DuckDB's exceeds its wall time: it uses every core)"
    echo "- best of $REPEAT run(s) (at least 3 for the $SMALL_ROWS-row ledger, the reads, the shipped-pack and negative-list scans, DuckDB's parses and its import-only row); peak = max RSS; 'peak / file size' uses the file the row reads (the UTF-8 ledger for DuckDB)"
    echo "- 'time / DuckDB': reads against DuckDB's parse (count, sum 借方金额), scans against DuckDB's equivalent SQL; 'time / read alone': GBK read against UTF-8 read, scans against the read of the same file"
    echo "- DuckDB parse: \`SELECT count(*), sum(\"借方金额\") FROM read_csv(FILE, header=true, all_varchar=false)\` (every line tokenised, one column converted); full parse: \`CREATE TABLE t AS SELECT * FROM read_csv(...)\` (every column converted and kept in memory)"
    echo "- $(cat "$SQL_DIR/equivalent.notes" | head -n 1)"
    tail -n +2 "$SQL_DIR/equivalent.notes" | sed 's/^/  - /'
    echo "- synthetic rule packs: 3 summary keywords each, none occurring in the data except 购物卡 in rule 1 (same findings in both packs)"
} >"$META"

{
    python3 "$HELPER" table "$TSV" "$META"
    echo
    python3 "$HELPER" targets "$TSV"
    echo
    echo "### Sanity check on the $SMALL_ROWS-row ledger (not timed)"
    echo
    python3 "$HELPER" compare "$BENCH_DIR/logs/findings-small.jsonl" "$BENCH_DIR/logs/equivalent-small.json"
} >"$BENCH_DIR/results.md"
cat "$BENCH_DIR/results.md"
log "written to $BENCH_DIR/results.md"
