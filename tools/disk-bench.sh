#!/usr/bin/env bash
# The emulated IDE disk under Bochs, measured, never asserted: a full
# partition (guests/ide-disk, named bench) drives its `disk = ide:FILE` the
# way a PIO driver does, one 4 KiB command at a time (IDE has no queue),
# sequential and random, reads and writes, and prints the TSC ticks (under
# Bochs: emulated instructions) per operation and the port accesses, each
# one exit, that one operation makes. dom0 prints the partition's exits by
# reason once it has stopped. The report lands in build/bench-disk/report.txt.
#
# Usage: tools/disk-bench.sh        (make bench-disk; about a minute)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench-disk
DISK_SECTORS=16384 # 8 MiB
die() {
    echo "disk-bench: $*" >&2
    exit 1
}

mkdir -p "$out"
WORK=$out
# shellcheck source=tests/integration/lib.sh
source tests/integration/lib.sh
head -c $((DISK_SECTORS * 512)) /dev/zero >"$out/bench.img"
config_with_partitions <<CFG
$(dom0_partition "script = wait bench stopped; stats bench")

[partition bench]
cpus = 1
memory = 4M
image = ide-disk.elf
mode = full
disk = ide:bench.img
time_limit = 300
CFG
tools/mkimage.sh --out "$out/disk.img" --efi build/BOOTX64.EFI --core build/core.elf \
    --guests build/guests --config "$CONFIG" --extra "$out/bench.img:bench.img" >/dev/null
tools/run.sh --emu bochs --cpus 2 --mem 256 --timeout 600 --image "$out/disk.img" \
    --log "$out/bench.log" >"$out/run.out" 2>&1 || die "the run failed, see $out/run.out"
rm -f "$out/disk.img"

log=$(sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$out/bench.log")
grep -q 'partition bench: stopped (exit status 0)' <<<"$log" || die "the guest failed, see $out/bench.log"
tsc_mhz=$(sed -nE 's/^bulkhead: tsc: ([0-9.]+) MHz from.*/\1/p' <<<"$log")
{
    echo "Emulated IDE disk (dom0's PIIX model), 4 KiB operations, queue depth 1"
    echo "TSC: $tsc_mhz MHz (under Bochs: emulated instructions)"
    printf '%-12s %12s %14s %12s\n' operation ticks/op "ops/s at TSC" exits/op
    sed -nE 's/.*ide-disk: bench ([a-z-]+) 4KiB qd1: [0-9]+ ops, ([0-9]+) ticks\/op, ([0-9]+) port accesses\/op$/\1 \2 \3/p' <<<"$log" |
        while read -r what ticks accesses; do
            printf '%-12s %12s %14.0f %12s\n' "$what" "$ticks" \
                "$(awk -v mhz="$tsc_mhz" -v t="$ticks" 'BEGIN { print mhz * 1e6 / t }')" "$accesses"
        done
    echo
    echo "The partition's exits over the whole run (setup and the checks included):"
    sed -nE 's/.*dom0: stats bench: (exits .*)/  \1/p' <<<"$log"
} | tee "$out/report.txt"
