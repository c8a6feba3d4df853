#!/usr/bin/env bash
# Debian's kernel and the test guest's initramfs (build/linux) booted under
# Bochs on the bare emulator and under Bulkhead, measured, never asserted.
# Each boot runs to the guest's `linux-guest: start` line and on to its
# power-off; the table compares the boots up to that line:
#
#   bare          OVMF runs vmlinuz through its EFI stub from the firmware's
#                 shell (startup.nsh), no hypervisor, 1 CPU: the partition's
#                 command line, `tsc_early_khz=` (below) and `mem=128M`, since
#                 the machine has the scenarios' 768 MiB (with 128 MiB the
#                 EFI stub runs into Bochs's VGA memory at 0xa0000); Bochs's
#                 firmware has no ACPI, so Linux halts at its power-off and
#                 the run is ended there;
#   pvh, bzimage  Bulkhead boots vmlinux through its PVH note, or vmlinuz
#                 through Linux's boot protocol, in a full partition of 1 vCPU
#                 and 128 MiB beside dom0 (as tests/integration/scenarios/
#                 linux-pvh.sh does), with `timestamps = yes`; dom0 prints
#                 the partition's exit counters once it has stopped;
#   bare-verbose, pvh-verbose   the same boots with `loglevel=7` in place of
#                 `quiet`: the TSC frequency Linux uses (which turns its
#                 uptime into ticks) and its lines about the APIC, the
#                 clocksource, the TSC and ACPI (NAME.kernel-lines).
#
# Figures per boot: wall seconds from the emulator's start to the line (as
# the serial log reached the runner, to about a second); under Bulkhead the
# seconds and TSC ticks from the hypervisor's `partition linux: running`
# line to it (its time stamps), and the partition's exits by reason from its
# start until it stopped (or until dom0 gave up waiting); Linux's own uptime
# at it (`uptime A`), and that in TSC ticks at the frequency Linux reported.
# Under Bochs the TSC counts emulated instructions of a CPU, so the ticks
# compare across boots. Linux's uptime counts timer ticks until it switches
# to the TSC clocksource, and loses those that come late: a few percent on a
# quiet boot. The quiet boots give the figures; the verbose ones only the
# frequency.
#
# Usage: tools/linux-boot-bench.sh [--table] [BOOT...]
#   BOOT: bare, bare-verbose, pvh, pvh-verbose, bzimage (default: all five,
#   about 12 minutes of Bochs on an idle host: the bzImage boot takes the
#   longest, its kernel unpacking itself; the bare verbose one prints at the
#   16550's baud rate). Each boot's figures are kept in
#   build/bench-linux/BOOT.figures; the table is made from those present,
#   so boots can be run one at a time. --table boots nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench-linux
mkdir -p "$out"
ALL_BOOTS=(bare bare-verbose pvh pvh-verbose bzimage)
LINUX_MEM_MIB=128
BOOT_TIMEOUT=1500
die() {
    echo "linux-boot-bench: $*" >&2
    exit 1
}

# Bochs's CPUID (leaf 0x16) tells Linux its TSC runs at 3.5 GHz, while it
# ticks at the 200 MHz that tools/run.sh's `ips=200000000` sets (the rate
# Bulkhead measures against the PIT and reports to its partitions): without
# this, every TSC delay of the bare kernel lasts 17.5 times too many ticks.
BARE_TSC_KHZ=200000

# The partition's command line (linux_partition in tests/integration/lib.sh),
# with the kernel held to the partition's memory and the TSC's true rate.
bare_cmdline() { # bare_cmdline LOGWORD
    echo "console=ttyS0 $1 bulkhead.cpus=1 bulkhead.mem=$LINUX_MEM_MIB mem=${LINUX_MEM_MIB}M" \
        "tsc_early_khz=$BARE_TSC_KHZ"
}

# bare_image NAME LOGWORD: an ESP without BOOTX64.EFI, so the firmware's
# shell runs startup.nsh, which starts the kernel's EFI stub.
bare_image() {
    printf '%s\r\n' 'fs0:' "vmlinuz initrd=\\initrd $(bare_cmdline "$2")" >"$out/$1.nsh"
    tools/mkimage.sh --out "$out/$1.img" --extra "$out/$1.nsh:/startup.nsh" \
        --extra build/linux/vmlinuz:/vmlinuz --extra build/linux/initramfs.cpio.gz:/initrd >/dev/null
}

# bulkhead_image NAME KERNEL LOGWORD: the self-test config with dom0 on cpu0
# and the Linux partition on cpu1. One dom0 `wait` gives up after 2 s of
# TSC time, so a row of them (as many as a script line holds) outlasts the
# boot; `stats` follows it.
bulkhead_image() {
    local name=$1 waits
    WORK=$out/$name
    mkdir -p "$WORK"
    waits=$(printf 'wait linux stopped; %.0s' $(seq 11))
    # shellcheck source=tests/integration/lib.sh
    source tests/integration/lib.sh
    config_with_partitions <<CFG
$(dom0_partition "script = ${waits}stats linux")

$(LINUX_KERNEL=$2 linux_partition 1)
CFG
    with_timestamps
    sed -i "s/^cmdline = \"console=ttyS0 quiet /cmdline = \"console=ttyS0 $3 /" "$CONFIG"
    # A config the hypervisor refuses would end at the firmware's shell.
    make -s build/tools/check-config >/dev/null
    build/tools/check-config --cpus 2 --memory 768M "$CONFIG" >"$WORK/check-config.out" 2>&1 ||
        die "$name: $(head -n 1 "$WORK/check-config.out")"
    tools/mkimage.sh --out "$out/$name.img" --efi build/BOOTX64.EFI --core build/core.elf \
        --guests build/guests --config "$CONFIG" --extra "build/linux/$2:$2" \
        --extra build/linux/initramfs.cpio.gz:initrd.gz >/dev/null
}

stamp_lines() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }

# run_boot NAME CPUS MEM: boots $out/NAME.img; the serial log goes to
# NAME.log, and each line with the wall clock it arrived at to NAME.wall.
# A machine without ACPI (the bare one) is stopped once Linux powered off.
run_boot() {
    local name=$1 wall=$out/$1.wall run_pid status=0
    echo "$EPOCHREALTIME emulator-start" >"$wall"
    tools/run.sh --emu bochs --cpus "$2" --mem "$3" --timeout "$BOOT_TIMEOUT" \
        --image "$out/$name.img" --log "$out/$name.log" > >(stamp_lines >>"$wall") 2>&1 &
    run_pid=$!
    while [[ $name == bare* ]] && kill -0 "$run_pid" 2>/dev/null; do
        if grep -qE 'reboot: (Power down|System halted)' "$wall"; then
            kill -TERM "$run_pid"
            break
        fi
        sleep 1
    done
    wait "$run_pid" || status=$?
    rm -f "$out/$name.img"
    echo "$status"
}

# The serial log without terminal escapes and carriage returns.
plain_log() { sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$out/$1.log"; }

# first_stamp NAME REGEX: the hypervisor's time stamp of the first log line
# that matches.
first_stamp() {
    plain_log "$1" | sed -nE "/$2/{s/^bulkhead: \[ *([0-9]+\.[0-9]+)\].*/\1/p;q}"
}

# figures NAME: the boot's figures as KEY=VALUE lines.
figures() {
    local name=$1 log marker start stats
    log=$(plain_log "$name")
    # The bare kernel's halt message cuts into the result line on its way out,
    # so the guest's start and its first uptime are what a boot must show.
    grep -q 'linux-guest: uptime A' <<<"$log" || die "$name: no 'linux-guest: uptime A' in $out/$name.log"
    if grep -q 'linux-guest: FAIL' <<<"$log"; then die "$name: the guest failed a check, see $out/$name.log"; fi
    awk '{ sub(/\r$/, "") } $2 == "emulator-start" { t0 = $1 } /linux-guest: start$/ && !done { printf "wall_s=%.1f\n", $1 - t0; done = 1 }' \
        "$out/$name.wall"
    sed -nE 's/.*linux-guest: uptime A ([0-9.]+)$/uptime_a_s=\1/p' <<<"$log" | head -n 1
    # Linux's TSC: its calibration, refined later where it refines it.
    sed -nE 's/.*tsc: (Detected|Refined TSC clocksource calibration:) ([0-9.]+) MHz.*/linux_tsc_mhz=\2/p' \
        <<<"$log" | tail -n 1
    sed -nE 's/^bulkhead: tsc: ([0-9.]+) MHz from.*/hv_tsc_mhz=\1/p' <<<"$log"
    start=$(first_stamp "$name" 'partition linux: running on')
    marker=$(first_stamp "$name" 'linux-guest: start$')
    [ -z "$start" ] || [ -z "$marker" ] || echo "partition_s=$(awk -v a="$start" -v b="$marker" 'BEGIN { printf "%.3f", b - a }')"
    # dom0's last wait may give up before a slow boot ends: then the
    # counters are those up to its `stats`, this many seconds in.
    sed -nE 's/.*dom0: stats linux: (exits .*), (no )?exit status.*/exits="\1"/p' <<<"$log"
    stats=$(first_stamp "$name" 'dom0: stats linux:')
    [ -z "$start" ] || [ -z "$stats" ] || echo "exits_at_s=$(awk -v a="$start" -v b="$stats" 'BEGIN { printf "%.1f", b - a }')"
}

# kernel_lines NAME: what the kernel said about the APIC, its clocks and ACPI.
kernel_lines() {
    plain_log "$1" | sed -nE 's/^(bulkhead: \[ *[0-9.]+\] \[dom0\] \[linux\] )?(\[ *[0-9]+\.[0-9]+\] )/\2/p' |
        grep -iE 'apic|clocksource|tsc|acpi|hpet|timekeeping|calibrat' >"$out/$1.kernel-lines" || true
}

boot_one() {
    local name=$1 status
    case $name in
    bare) bare_image "$name" quiet ;;
    bare-verbose) bare_image "$name" loglevel=7 ;;
    pvh) bulkhead_image "$name" vmlinux quiet ;;
    pvh-verbose) bulkhead_image "$name" vmlinux loglevel=7 ;;
    bzimage) bulkhead_image "$name" vmlinuz quiet ;;
    *) die "no boot '$name' (${ALL_BOOTS[*]})" ;;
    esac
    echo "linux-boot-bench: booting $name ($(date -u +%H:%M:%S) UTC)" >&2
    case $name in
    bare*) status=$(run_boot "$name" 1 768) ;;
    *) status=$(run_boot "$name" 2 768) ;;
    esac
    # The bare boot has no hypervisor summary: tools/run.sh says 1, or 130
    # when stopped at the power-off.
    case $name:$status in bare*:1 | bare*:130 | *:0) ;; *) die "$name: tools/run.sh exited $status (see $out/$name.wall)" ;; esac
    figures "$name" >"$out/$name.figures"
    [[ $name != *-verbose ]] || kernel_lines "$name"
}

# figure NAME KEY: one figure of a boot, or nothing.
figure() {
    [ -f "$out/$1.figures" ] || return 0
    sed -n "s/^$2=//p" "$out/$1.figures" | tr -d '"'
}

# mega_ticks SECONDS MHZ: TSC ticks in millions, or '-'.
mega_ticks() {
    if [ -n "$1" ] && [ -n "$2" ]; then awk -v s="$1" -v f="$2" 'BEGIN { printf "%.0f", s * f }'; else echo -; fi
}

table_row() { # table_row CELL...: an empty cell shows '-'
    local cells=() cell
    for cell in "$@"; do cells+=("${cell:--}"); done
    printf '%-26s %8s %10s %10s %11s %11s %8s\n' "${cells[@]}"
}

table() {
    local name tsc bare_ticks ticks ratio
    bare_ticks=$(mega_ticks "$(figure bare uptime_a_s)" "$(figure bare-verbose linux_tsc_mhz)")
    table_row "boot to 'linux-guest: start'" "wall s" "part. s" "part. Mtck" "uptime A s" "uptime Mtck" "ratio"
    for name in bare pvh bzimage; do
        [ -f "$out/$name.figures" ] || continue
        tsc=$(figure "${name/bzimage/pvh}-verbose" linux_tsc_mhz)
        ticks=$(mega_ticks "$(figure "$name" uptime_a_s)" "$tsc")
        ratio=-
        [ "$ticks" = - ] || [ "$bare_ticks" = - ] ||
            ratio=$(awk -v a="$ticks" -v b="$bare_ticks" 'BEGIN { printf "%.2f", a / b }')
        table_row "$name" "$(figure "$name" wall_s)" "$(figure "$name" partition_s)" \
            "$(mega_ticks "$(figure "$name" partition_s)" "$(figure "$name" hv_tsc_mhz)")" \
            "$(figure "$name" uptime_a_s)" "$ticks" "$ratio"
    done
    echo "ratio: uptime A in TSC ticks against the bare boot's; Linux's TSC:" \
        "bare $(figure bare-verbose linux_tsc_mhz) MHz, under Bulkhead $(figure pvh-verbose linux_tsc_mhz) MHz" \
        "(from the verbose boots)"
    for name in pvh bzimage; do
        [ -z "$(figure "$name" exits)" ] ||
            echo "$name exits, first $(figure "$name" exits_at_s) s: $(figure "$name" exits)"
    done
}

for file in build/BOOTX64.EFI build/core.elf build/linux/vmlinux build/linux/vmlinuz \
    build/linux/initramfs.cpio.gz; do
    [ -f "$file" ] || die "$file is missing (make all linux-guest)"
done
boots=("$@")
if [ "${1:-}" = --table ]; then
    boots=()
elif [ $# -eq 0 ]; then
    boots=("${ALL_BOOTS[@]}")
fi
for name in "${boots[@]}"; do
    boot_one "$name"
done
table | tee "$out/report.txt"
