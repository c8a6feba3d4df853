#!/usr/bin/env bash
# Boots each big-machine scenario RUNS times and prints what varied: the TSC
# frequency (min/median/max and the sources it came from), the CPUs that came
# up, the boots that passed and the wall time. Not part of `make test`.
#
# Usage: tools/boot-stats.sh [SCENARIO...]
#          (default: qemu-tcg-q35-64cpu qemu-tcg-q35-128cpu)
#   RUNS=N        boots of each (default 10)
#   EMU_LOCK=F    take this flock(1) lock around each boot, for a machine
#                 where others run emulators too
# Each boot's serial log is kept as build/boot-stats/<scenario>-<n>.log.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
RUNS=${RUNS:-10}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "boot-stats: RUNS wants a positive number" >&2; exit 2; }
[ $# -gt 0 ] || set -- qemu-tcg-q35-64cpu qemu-tcg-q35-128cpu
mkdir -p build/boot-stats

boot_once() { # boot_once SCENARIO: one boot, its verdict on stdout
    if [ -n "${EMU_LOCK:-}" ]; then
        NO_BUILD=1 JOBS=1 flock "$EMU_LOCK" tests/integration/run.sh "$1"
    else
        NO_BUILD=1 JOBS=1 tests/integration/run.sh "$1"
    fi
}

# min/median/max of the numbers on stdin, one a line.
spread() {
    sort -n | awk '{ v[NR] = $1 } END {
        if (!NR) { print "-"; exit }
        printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

stats_of() { # stats_of SCENARIO
    local name=$1 n log verdict passed=0 mhz=() cpus=() seconds=() sources=()
    for n in $(seq "$RUNS"); do
        verdict=$(boot_once "$name" | grep -E "^(PASS|FAIL|SKIP) $name")
        [[ $verdict == PASS* ]] && passed=$((passed + 1))
        # The scenario's own time, without any wait for the lock.
        seconds+=($(sed -nE 's/^PASS .* \(([0-9]+) s\)$/\1/p' <<<"$verdict"))
        log=build/boot-stats/$name-$n.log
        sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "build/test-logs/$name.log" >"$log"
        mhz+=($(sed -nE 's/^bulkhead: tsc: ([0-9.]+) MHz from .*/\1/p' "$log" | head -n 1))
        sources+=("$(sed -nE 's/^bulkhead: tsc: [0-9.]+ MHz from ([a-z0-9 -]+) \(.*/\1/p' "$log" |
            head -n 1)")
        cpus+=($(sed -nE 's/^bulkhead: summary cpus=([0-9]+) .*/\1/p' "$log" | head -n 1))
        echo "boot-stats: $name boot $n: ${mhz[-1]:-?} MHz from ${sources[-1]:-?}," \
            "${cpus[-1]:-?} CPUs, ${verdict:-no verdict}" >&2
    done
    echo "$name: $passed of $RUNS boots passed"
    echo "  tsc MHz min/median/max: $(printf '%s\n' "${mhz[@]}" | spread)" \
        "(sources: $(printf '%s\n' "${sources[@]}" | sort | uniq -c | awk '{ $1 = $1; print }' |
            paste -sd, -))"
    echo "  CPUs up min/median/max: $(printf '%s\n' "${cpus[@]}" | spread)"
    echo "  seconds a passed boot min/median/max: $(printf '%s\n' "${seconds[@]}" | spread)"
}

echo "boot-stats: host TSC $(source tests/integration/lib.sh && host_tsc_mhz) MHz"
for name in "$@"; do
    [ -f "tests/integration/scenarios/$name.sh" ] || { echo "boot-stats: no scenario $name" >&2; exit 2; }
    stats_of "$name"
done
