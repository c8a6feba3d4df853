#!/usr/bin/env bash
# Benchmarks under Bochs, measured, never asserted (the report lands in
# build/bench/report.txt):
#   - wall seconds of a boot with 1 and with 4 CPUs (config/selftest.cfg);
#   - TSC ticks (under Bochs: emulated instructions) from core entry to the
#     first VM entry on the boot CPU;
#   - the size of the core and of BOOTX64.EFI;
#   - a partition's hypervisor memory overhead and the guest-measured round
#     trip of a CPUID exit and of an I/O exit (config/bench.cfg);
#   - a null hypercall, an event to a partition on another CPU and a 64-byte
#     message through a shared ring, measured by guests/hc-ping
#     (config/bench-pv.cfg);
#   - one console byte through the 16550 that dom0 emulates (a full guest's
#     LSR poll and THR write, guests/bench-uart), a port read its model
#     answers (dom0 awake, and asleep), a posted port write, and a byte
#     through the PV console ring dom0 serves (a 64-byte line and a single byte, each with its
#     event, guests/bench-pvcon), in config/bench-console.cfg;
#   - a log line drawn by dom0 on the framebuffer it owns (800x600, Bochs's
#     Cirrus card), config/bench-screen.cfg;
#   - a line a full guest prints through dom0's 16550 model, quiet
#     (config/bench-flood-quiet.cfg) and while two pv partitions flood dom0
#     with events and the hypervisor with console lines
#     (config/bench-flood.cfg), as guests/uart-lines measures it, and the
#     console output the flood had dropped.
#
#   - the steps of one I/O request dom0's model answers (exit, posted,
#     dom0 woken, answered, vCPU running, VM entry), with dom0 awake and
#     asleep, from TRACE_CORE_ELF: the same core built with BULKHEAD_TRACE
#     (hv/trace.h), booted on config/bench-console.cfg once more;
#   - the same dom0-served port reads with ioreq_poll = 20 (both ends spin
#     20 us before they sleep) and what the spinning cost over the whole run
#     (config/bench-console-poll.cfg).
#
# Usage: tools/bench.sh BOOTX64_EFI CORE_ELF GUESTS_DIR TRACE_CORE_ELF
set -euo pipefail

stub=$1 core=$2 guests=$3 trace_core=$4
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench
mkdir -p "$out"
report=$out/report.txt

# The bytes the core occupies once loaded (text, rodata, data and bss).
loaded_size() {
    local sum=0 memsz
    for memsz in $(readelf -lW "$1" | awk '$1 == "LOAD" { print $6 }'); do
        sum=$((sum + memsz))
    done
    echo "$sum"
}

image_for() { # image_for NAME CONFIG [CORE]
    "$root/tools/mkimage.sh" --out "$out/$1.img" --config "$2" --efi "$stub" --core "${3:-$core}" \
        --guests "$guests" >/dev/null
}

# boot NAME CPUS [RUN_ARGS...]: boots $out/NAME.img, leaves the serial log in
# $out/NAME-CPUScpu.log and prints the wall seconds.
boot() {
    local log=$out/$1-${2}cpu.log start end
    start=$(date +%s.%N)
    "$root/tools/run.sh" --emu bochs --cpus "$2" --mem 512 --timeout 600 \
        --image "$out/$1.img" --log "$log" "${@:3}" >"$out/$1-${2}cpu.out" 2>&1 || {
        echo "bench: the $1 boot with $2 CPU(s) failed, see $out/$1-${2}cpu.out" >&2
        exit 1
    }
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

# figure LOG SED_EXPRESSION: one number from a serial log, or a failure.
figure() {
    local value
    value=$(sed -nE "$2" "$1" | awk 'NR == 1')
    [ -n "$value" ] || { echo "bench: no figure for '$2' in $1" >&2; exit 1; }
    echo "$value"
}

row() { printf '%-52s %14s %s\n' "$1" "$2" "$3"; }

image_for selftest "$root/config/selftest.cfg"
image_for exits "$root/config/bench.cfg"
image_for pv "$root/config/bench-pv.cfg"
image_for console "$root/config/bench-console.cfg"
image_for screen "$root/config/bench-screen.cfg"
image_for console-trace "$root/config/bench-console.cfg" "$trace_core"
image_for console-poll "$root/config/bench-console-poll.cfg"
image_for flood-quiet "$root/config/bench-flood-quiet.cfg"
image_for flood "$root/config/bench-flood.cfg"
{
    echo "Bulkhead benchmarks ($(date -u +%Y-%m-%d), Bochs $(dpkg-query -W -f='${Version}' bochs 2>/dev/null))"
    row "core image file (bulkhead.elf)" "$(stat -c %s "$core")" bytes
    row "core loaded in memory (text+data+bss)" "$(loaded_size "$core")" bytes
    row "UEFI stub (BOOTX64.EFI)" "$(stat -c %s "$stub")" bytes
    for cpus in 1 4; do
        seconds=$(boot selftest "$cpus")
        row "boot to power-off, Bochs, $cpus CPU(s), wall" "$seconds" s
        row "core entry to first VM entry, $cpus CPU(s)" "$(figure "$out/selftest-${cpus}cpu.log" \
            's/.*boot: ([0-9]+) TSC ticks from core entry to the first VM entry.*/\1/p')" ticks
    done
    boot exits 1 >/dev/null
    log=$out/exits-1cpu.log
    row "partition overhead (EPT + VMCS), 4 MiB, 1 vCPU" \
        "$(figure "$log" 's/.*partition bench: hypervisor overhead ([0-9]+) bytes.*/\1/p')" bytes
    row "CPUID exit round trip (guest RDTSC)" \
        "$(figure "$log" 's/.*bench: cpuid exit round trip ([0-9]+) ticks.*/\1/p')" ticks
    row "I/O exit round trip (guest RDTSC)" \
        "$(figure "$log" 's/.*bench: io exit round trip ([0-9]+) ticks.*/\1/p')" ticks
    boot pv 2 >/dev/null
    log=$out/pv-2cpu.log
    row "null hypercall round trip (guest RDTSC)" \
        "$(figure "$log" 's/.*hc-ping: bench null hypercall ([0-9]+) ticks.*/\1/p')" ticks
    row "event to a partition on another CPU, one way" \
        "$(figure "$log" 's/.*hc-ping: bench event one-way ([0-9]+) ticks.*/\1/p')" ticks
    row "64-byte message through the shared ring" \
        "$(figure "$log" 's/.*hc-ping: bench ring 64-byte message ([0-9]+) ticks.*/\1/p')" ticks
    boot console 3 >/dev/null
    log=$out/console-3cpu.log
    row "console byte via emulated 16550 (LSR poll + THR)" \
        "$(figure "$log" 's/.*bench-uart: bench 16550 byte \(LSR poll \+ THR write\) ([0-9]+) ticks.*/\1/p')" ticks
    row "port read served by dom0's model, back to back" \
        "$(figure "$log" 's/.*bench-uart: bench port read served by dom0, back to back ([0-9]+) ticks.*/\1/p')" ticks
    row "port read served by dom0's model, dom0 asleep" \
        "$(figure "$log" 's/.*bench-uart: bench port read served by dom0, dom0 asleep ([0-9]+) ticks.*/\1/p')" ticks
    row "port write posted to dom0's model" \
        "$(figure "$log" 's/.*bench-uart: bench posted port write ([0-9]+) ticks.*/\1/p')" ticks
    row "console byte via PV ring, single byte + event" \
        "$(figure "$log" 's/.*bench-pvcon: bench ring single byte with its event ([0-9]+) ticks.*/\1/p')" ticks
    row "console 64-byte line via PV ring, with its event" \
        "$(figure "$log" 's/.*bench-pvcon: bench ring 64-byte line with its event ([0-9]+) ticks.*/\1/p')" ticks
    row "console byte via PV ring, amortized over the line" \
        "$(figure "$log" 's/.*bench-pvcon: bench ring byte amortized over a 64-byte line ([0-9]+) ticks.*/\1/p')" ticks
    boot console-trace 3 >/dev/null
    log=$out/console-trace-3cpu.log
    for server in awake asleep; do
        line=$(figure "$log" "s/.*trace: I\/O request, dom0 $server: (.*) ticks.*/\\1/p")
        for step in "exit to posted" "posted to woken" "to answered" "answered to running" \
            "running to entry" "total"; do
            row "  traced request, dom0 $server: $step" \
                "$(sed -nE "s/.*(^|, )$step ([0-9]+).*/\\2/p" <<<"$line")" ticks
        done
    done
    boot console-poll 3 >/dev/null
    log=$out/console-poll-3cpu.log
    row "with ioreq_poll = 20: port read served, back to back" \
        "$(figure "$log" 's/.*bench-uart: bench port read served by dom0, back to back ([0-9]+) ticks.*/\1/p')" ticks
    row "with ioreq_poll = 20: port read served, dom0 asleep" \
        "$(figure "$log" 's/.*bench-uart: bench port read served by dom0, dom0 asleep ([0-9]+) ticks.*/\1/p')" ticks
    polled=$(figure "$log" 's/.*ioreq: polling [0-9]+ ticks, server: ([0-9]+) polls, ([0-9]+) found what they waited for, ([0-9]+) ticks spent.*/\1 \2 \3/p')
    row "with ioreq_poll = 20: dom0 polls that found no request" "$(awk '{ print $1 - $2 }' <<<"$polled")" polls
    row "with ioreq_poll = 20: ticks dom0 spent polling, run" "$(awk '{ print $3 }' <<<"$polled")" ticks
    boot screen 1 --display x >/dev/null
    log=$out/screen-1cpu.log
    row "dom0 screen: log line drawn, 800x600 (scrolls incl.)" \
        "$(figure "$log" 's/.*dom0: framebuffer: drew [0-9]+ lines of the log in [0-9]+ ticks \(([0-9]+) a line\).*/\1/p')" ticks
    uart_line='s/.*uart-lines: bench ([0-9]+) ticks a line over [0-9]+ lines.*/\1/p'
    # Four CPUs both times: under Bochs a line's ticks depend on how many
    # CPUs step in lockstep, so only the flood differs.
    boot flood-quiet 4 >/dev/null
    row "full guest's line via dom0's 16550, quiet" "$(figure "$out/flood-quiet-4cpu.log" "$uart_line")" ticks
    boot flood 4 >/dev/null
    log=$out/flood-4cpu.log
    row "full guest's line via dom0's 16550, 2 pv partitions flooding" "$(figure "$log" "$uart_line")" ticks
    row "console output the flood had dropped (both partitions)" \
        "$(sed -nE 's/.*\[flood[12]\] \(([0-9]+) bytes of console output dropped\).*/\1/p' "$log" |
            awk '{ sum += $1 } END { print sum + 0 }')" bytes
} | tee "$report"
