#!/usr/bin/env bash
# Times two fundwatch binaries on the same command, alternating them round by round, so
# that a slow stretch of a shared machine hits both alike (its speed can drift by half
# within minutes, which makes two runs minutes apart useless for a 5% change).
#
#   scripts/ab.sh OLD_BIN NEW_BIN [ARGS...]
#   ROUNDS=8 scripts/ab.sh /tmp/fundwatch-old target/release/fundwatch inspect big.csv
#
# ARGS default to reading the benchmark ledger of scripts/bench.sh
# (inspect ~/.cache/fundwatch-bench/ledger-utf8-10000000.csv). Output goes to /dev/null;
# exit codes 0 and 1 (findings) count as success. Prints each binary's times, best and
# median, and NEW / OLD for both.
set -euo pipefail
(($# >= 2)) || {
    echo "usage: scripts/ab.sh OLD_BIN NEW_BIN [ARGS...]" >&2
    exit 2
}
OLD=$1 NEW=$2
shift 2
for bin in "$OLD" "$NEW"; do
    [[ -x $bin ]] || {
        echo "ab.sh: $bin is not an executable" >&2
        exit 2
    }
done
if (($# == 0)); then
    set -- inspect "$HOME/.cache/fundwatch-bench/ledger-utf8-10000000.csv"
fi
ROUNDS=${ROUNDS:-5}

# One timed run of BIN ARGS; prints the wall time in seconds.
timed() {
    local bin=$1 start end rc=0
    shift
    start=$(date +%s.%N)
    "$bin" "$@" >/dev/null 2>&1 || rc=$?
    end=$(date +%s.%N)
    ((rc <= 1)) || {
        echo "ab.sh: $bin $* exited with $rc" >&2
        exit 2
    }
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

old_times=() new_times=()
for ((round = 1; round <= ROUNDS; round++)); do
    old_times+=("$(timed "$OLD" "$@")")
    new_times+=("$(timed "$NEW" "$@")")
done

# stats TIMES...: best and median.
stats() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", t[1], m }'; }
read -r old_best old_median < <(stats "${old_times[@]}")
read -r new_best new_median < <(stats "${new_times[@]}")
echo "command: fundwatch $*  ($ROUNDS rounds, alternating; $(nproc) cores)"
echo "old $OLD: ${old_times[*]}  best $old_best  median $old_median"
echo "new $NEW: ${new_times[*]}  best $new_best  median $new_median"
awk -v ob="$old_best" -v om="$old_median" -v nb="$new_best" -v nm="$new_median" \
    'BEGIN { printf "new / old: best %.3f, median %.3f\n", nb / ob, nm / om }'
