#!/usr/bin/env bash
# Boots every scenario in tests/integration/scenarios/ in an emulator and
# judges it by its serial log and tools/run.sh's exit status. `make
# test-integration` calls this.
#
# Usage: tests/integration/run.sh [SCENARIO...]     (default: all of them)
#   JOBS=N        scenarios booted at once (default 2: one emulator per core)
#   NO_BUILD=1    use what is in build/ as it is
#
# Prints PASS/FAIL/SKIP per scenario and ends with "N passed, N failed".
# Each serial log lands in build/test-logs/<scenario>.log, run.sh's own
# output (image, emulator, verdict) in build/test-logs/<scenario>.out.
#
# A scenario is one file scenarios/<name>.sh that sets:
#   EMU=bochs|qemu-tcg|qemu-kvm  CPUS=  MEM= (MiB)  TIMEOUT= (s)
#   MACHINE=q35|pc  BOCHS_CPU=model        (optional)
#   NEEDS="stub core probe lockvmx"        build outputs it cannot do without
#   CONFIG=path                            (default config/selftest.cfg)
#   IMAGE_ARGS=(...)                       more tools/mkimage.sh arguments
#   RUN_ARGS=(...)                         more tools/run.sh arguments
# and defines check() (see lib.sh), and optionally prepare() (runs before the
# image is built, in $WORK), available() (prints why not and fails: SKIP)
# and second_boot() (the machine boots once more after the first run, with
# what it changed; check() then finds the second serial log in SECOND_LOG
# and lib.sh's on_second_boot judges it).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
here=tests/integration
JOBS=${JOBS:-2}
logs=build/test-logs
mkdir -p "$logs" build/test-work

# Build outputs by the names scenarios use in NEEDS.
declare -A OUTPUT=(
    [stub]=build/BOOTX64.EFI
    [core]=build/core.elf
    [probe]=build/guests/probe.bin
    [lockvmx]=build/tests/LOCKVMX.EFI
    [linux]=build/linux/vmlinux
)

if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for file in "$here"/scenarios/*.sh; do
        names+=("$(basename "$file" .sh)")
    done
fi
for name in "${names[@]}"; do
    [ -f "$here/scenarios/$name.sh" ] || { echo "no scenario $name"; echo "0 passed, 1 failed"; exit 1; }
done

# ---- build -------------------------------------------------------------------
# Build everything that builds (-k), so that one broken part fails only the
# scenarios that need it. A part counts as built when make has it up to date.
if [ -z "${NO_BUILD:-}" ]; then
    echo "integration: building (log: $logs/build.log)"
    {
        make -k all
        make -k "${OUTPUT[lockvmx]}"
        make -k linux-guest
    } >"$logs/build.log" 2>&1
fi
declare -A BUILT
for part in "${!OUTPUT[@]}"; do
    if [ -f "${OUTPUT[$part]}" ] && { [ -n "${NO_BUILD:-}" ] || make -q "${OUTPUT[$part]}" >/dev/null 2>&1; }; then
        BUILT[$part]=1
    fi
done

# ---- one scenario ------------------------------------------------------------
# boot_once LOG: builds the scenario's image and boots it, its serial log
# in LOG; RUN_STATUS gets tools/run.sh's verdict.
boot_once() {
    local image_args=(--out "$WORK/disk.img" --efi "${OUTPUT[stub]}" --config "$CONFIG")
    [ -f "${OUTPUT[core]}" ] && image_args+=(--core "${OUTPUT[core]}")
    [ -d build/guests ] && image_args+=(--guests build/guests)
    tools/mkimage.sh "${image_args[@]}" "${IMAGE_ARGS[@]}" >>"$out" 2>&1 ||
        verdict FAIL "building the image failed (see $out)"

    local run_args=(--emu "$EMU" --cpus "$CPUS" --mem "$MEM" --timeout "$TIMEOUT"
        --image "$WORK/disk.img" --log "$1")
    case "$EMU" in
    bochs) run_args+=(--bochs-cpu "$BOCHS_CPU") ;;
    *) run_args+=(--machine "$MACHINE") ;;
    esac
    tools/run.sh "${run_args[@]}" "${RUN_ARGS[@]}" >>"$out" 2>&1
    RUN_STATUS=$?
    # An emulator that crashed tells nothing about Bulkhead: one more boot,
    # said in the suite's output; a second crash is judged like any run.
    if [ "$RUN_STATUS" -eq 4 ]; then
        echo "RETRY $name: $(grep '^run: .* crashed' "$out" | tail -n 1)"
        tools/run.sh "${run_args[@]}" "${RUN_ARGS[@]}" >>"$out" 2>&1
        RUN_STATUS=$?
    fi
    rm -f "$WORK/disk.img"
}

# Runs in a subshell of its own; prints one verdict line and leaves the
# verdict word in $WORK/verdict.
run_scenario() {
    local name=$1 start verdict reason
    WORK=build/test-work/$name
    LOG=$logs/$name.log
    local out=$logs/$name.out
    rm -rf "$WORK" && mkdir -p "$WORK"
    : >"$out"
    rm -f "$LOG"
    start=$(date +%s)

    # Defaults, then the scenario's own settings.
    EMU=bochs CPUS=1 MEM=512 TIMEOUT=300 MACHINE=q35 BOCHS_CPU=corei7_skylake_x
    NEEDS="stub core probe" CONFIG=config/selftest.cfg
    IMAGE_ARGS=() RUN_ARGS=()
    source "$here/lib.sh"
    source "$here/scenarios/$name.sh"

    verdict() { # verdict WORD REASON
        echo "$1" >"$WORK/verdict"
        case "$1" in
        PASS) echo "PASS $name ($(($(date +%s) - start)) s)" ;;
        *) echo "$1 $name: $2" ;;
        esac
        exit 0
    }

    if declare -F available >/dev/null && ! reason=$(available 2>&1); then
        verdict SKIP "$reason"
    fi
    local part
    for part in $NEEDS; do
        [ -n "${BUILT[$part]:-}" ] || verdict FAIL "${OUTPUT[$part]} did not build (see $logs/build.log)"
    done
    if declare -F prepare >/dev/null && ! prepare >>"$out" 2>&1; then
        verdict FAIL "preparing the scenario failed (see $out)"
    fi

    boot_once "$LOG"
    # A scenario with second_boot() powers the machine on again (with what
    # second_boot changed: the config, say) once the first run is over: the
    # data disk of RUN_ARGS keeps what the first run wrote.
    if declare -F second_boot >/dev/null; then
        FIRST_LOG=$LOG FIRST_STATUS=$RUN_STATUS SECOND_LOG=$logs/$name.second.log
        rm -f "$SECOND_LOG"
        second_boot >>"$out" 2>&1 || verdict FAIL "preparing the second boot failed (see $out)"
        boot_once "$SECOND_LOG"
        SECOND_STATUS=$RUN_STATUS RUN_STATUS=$FIRST_STATUS
    fi

    FAILURES=()
    check
    if [ ${#FAILURES[@]} -eq 0 ]; then
        verdict PASS
    fi
    printf '%s\n' "${FAILURES[@]}" >"$WORK/failures"
    reason=${FAILURES[0]}
    [ ${#FAILURES[@]} -eq 1 ] || reason="$reason (and $((${#FAILURES[@]} - 1)) more, see $WORK/failures)"
    show_tail
    verdict FAIL "$reason (log: $LOG)"
}

# On a failure, the end of the runner's verdict and of the serial log go to
# the suite's output too, so a failure seen only in a remote run can be read.
show_tail() {
    {
        echo "---- $name: end of $out"
        tail -n 5 "$out"
        echo "---- $name: end of $LOG"
        tail -n 25 "$LOG" 2>/dev/null | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//g'
        echo "----"
    } | sed "s/^/    /"
}

# ---- schedule ----------------------------------------------------------------
# Longest timeout first, so the slow Bochs boots do not end up last in line.
ordered=$(for name in "${names[@]}"; do
    t=$(sed -n 's/^TIMEOUT=\([0-9][0-9]*\).*/\1/p' "$here/scenarios/$name.sh" | tail -n 1)
    echo "${t:-300} $name"
done | sort -k1,1nr -k2 | awk '{ print $2 }')

# Job control gives every scenario a process group of its own, so an
# interrupt can stop each one (and its emulator) by its group id.
set -m
pids=()
stop_all() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null
    done
    wait
    echo "integration: interrupted"
    exit 130
}
trap stop_all INT TERM HUP

suite_start=$(date +%s)
for name in $ordered; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n
    done
    (run_scenario "$name") </dev/null &
    pids+=($!)
done
wait
trap - INT TERM HUP

passed=0 failed=0 skipped=0
for name in "${names[@]}"; do
    case "$(cat "build/test-work/$name/verdict" 2>/dev/null)" in
    PASS) passed=$((passed + 1)) ;;
    SKIP) skipped=$((skipped + 1)) ;;
    FAIL) failed=$((failed + 1)) ;;
    *) failed=$((failed + 1)); echo "FAIL $name: the scenario ended without a verdict" ;;
    esac
done
echo "integration: $((${#names[@]})) scenarios in $(($(date +%s) - suite_start)) s"
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
