#!/usr/bin/env bash
# The disks dom0 serves, under Bochs, measured, never asserted: a full
# partition named bench drives its disk and prints the TSC ticks (under
# Bochs: emulated instructions) per 4 KiB operation, sequential and random,
# reads and writes, and the register accesses (each one exit) one operation
# makes:
#   ide     guests/ide-disk through `disk = ide:FILE`: PIO, one command at a
#           time (IDE has no queue: queue depth 1);
#   virtio  guests/virtio-disk through `disk = virtio:FILE` and guests/lib's
#           virtio-blk driver, at queue depth 1 and 32 (32 requests behind
#           one notification).
# One Bochs boot each, one after the other (a second busy CPU would share
# the emulator's instructions and skew the ticks). dom0 prints the
# partition's exits by reason once it has stopped. The report lands in
# build/bench-disk/report.txt.
#
# Usage: tools/disk-bench.sh        (make bench-disk; about two minutes)
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
# shellcheck source=tests/integration/lib.sh
source tests/integration/lib.sh

# boot KIND GUEST: the bench partition with a disk of that kind; its serial
# log is $out/KIND.log.
boot() {
    local kind=$1 guest=$2
    WORK=$out/$kind
    mkdir -p "$WORK"
    head -c $((DISK_SECTORS * 512)) /dev/zero >"$WORK/bench.img"
    config_with_partitions <<CFG
$(dom0_partition "script = wait bench stopped; stats bench")
$(disk_partition bench 1 "$guest.elf" "$kind:bench.img")
CFG
    tools/mkimage.sh --out "$WORK/disk.img" --efi build/BOOTX64.EFI --core build/core.elf \
        --guests build/guests --config "$CONFIG" --extra "$WORK/bench.img:bench.img" >/dev/null
    tools/run.sh --emu bochs --cpus 2 --mem 256 --timeout 600 --image "$WORK/disk.img" \
        --log "$out/$kind.log" >"$WORK/run.out" 2>&1 || die "the $kind run failed, see $WORK/run.out"
    rm -f "$WORK/disk.img"
    plain "$kind" | grep -q 'partition bench: stopped (exit status 0)' ||
        die "the $kind guest failed, see $out/$kind.log"
}

plain() { sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$out/$1.log"; }

# rows KIND: "operation depth ticks accesses" per measurement.
rows() {
    plain "$1" | sed -nE 's/.*-disk: bench ([a-z-]+) 4KiB qd([0-9]+): [0-9]+ ops, ([0-9]+) ticks\/op, ([0-9.]+) (port|register) accesses\/op$/\1 \2 \3 \4/p'
}

boot ide ide-disk
boot virtio virtio-disk
tsc_mhz=$(plain ide | sed -nE 's/^bulkhead: tsc: ([0-9.]+) MHz from.*/\1/p')
{
    echo "Disks dom0 serves, 4 KiB operations; TSC $tsc_mhz MHz (under Bochs: emulated instructions)"
    printf '%-7s %-11s %5s %10s %12s %10s\n' disk operation depth ticks/op "ops/s at TSC" exits/op
    for kind in ide virtio; do
        rows "$kind" | while read -r what depth ticks accesses; do
            printf '%-7s %-11s %5s %10s %12.0f %10s\n' "$kind" "$what" "$depth" "$ticks" \
                "$(awk -v mhz="$tsc_mhz" -v t="$ticks" 'BEGIN { print mhz * 1e6 / t }')" "$accesses"
        done
    done
    echo
    echo "Each partition's exits over its whole run (setup and identification included):"
    for kind in ide virtio; do
        echo "  $kind: $(plain "$kind" | sed -nE 's/.*dom0: stats bench: (exits .*)/\1/p')"
    done
} | tee "$out/report.txt"
