#!/usr/bin/env bash
# Boot benchmark: wall seconds of a Bochs boot with 1 and 4 CPUs, the TSC
# ticks (under Bochs: emulated instructions) from core entry to the first VM
# entry on the boot CPU, and the size of the core and of BOOTX64.EFI.
# Figures are measured, never asserted; the report lands in build/bench/.
#
# Usage: tools/bench.sh IMAGE CORE_ELF BOOTX64_EFI
set -euo pipefail

image=$1 core=$2 stub=$3
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

boot_once() {
    local cpus=$1 log=$out/boot-${1}cpu.log start end
    start=$(date +%s.%N)
    "$root/tools/run.sh" --emu bochs --cpus "$cpus" --mem 512 --timeout 600 \
        --image "$image" --log "$log" >"$out/boot-${cpus}cpu.out" 2>&1 || {
        echo "bench: the ${cpus}-CPU boot failed, see $out/boot-${cpus}cpu.out" >&2
        exit 1
    }
    end=$(date +%s.%N)
    local ticks
    ticks=$(sed -n 's/.*boot: \([0-9]*\) TSC ticks from core entry to the first VM entry.*/\1/p' "$log")
    [ -n "$ticks" ] || { echo "bench: no boot figure in $log" >&2; exit 1; }
    printf '%-44s %10.1f s\n' "make run, Bochs, $cpus CPU(s), wall" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
    printf '%-44s %12s ticks\n' "core entry to first VM entry ($cpus CPU(s))" "$ticks"
}

{
    echo "Bulkhead boot benchmark ($(date -u +%Y-%m-%d), Bochs $(dpkg-query -W -f='${Version}' bochs 2>/dev/null))"
    printf '%-44s %12s bytes\n' "core image file (bulkhead.elf)" "$(stat -c %s "$core")"
    printf '%-44s %12s bytes\n' "core loaded in memory (text+data+bss)" "$(loaded_size "$core")"
    printf '%-44s %12s bytes\n' "UEFI stub (BOOTX64.EFI)" "$(stat -c %s "$stub")"
    boot_once 1
    boot_once 4
} | tee "$report"
