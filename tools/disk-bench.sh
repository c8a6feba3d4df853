#!/usr/bin/env bash
# The disks dom0 serves, under Bochs: measured, never asserted. Two ways:
#
# tools/disk-bench.sh (make bench-disk; about two minutes): a full partition
# named bench drives its disk with a guest of our own and prints the TSC
# ticks (under Bochs: emulated instructions) per 4 KiB operation,
# sequential and random, reads and writes, and the register accesses (each
# one exit) one operation makes:
#   ide     guests/ide-disk through `disk = ide:FILE`: PIO, one command at a
#           time (IDE has no queue: queue depth 1);
#   virtio  guests/virtio-disk through `disk = virtio:FILE` and guests/lib's
#           virtio-blk driver, at queue depth 1 and 32 (32 requests behind
#           one notification).
# The report lands in build/bench-disk/report.txt.
#
# tools/disk-bench.sh fio [IOS] (make bench-fio; about eight minutes):
# Debian's kernel drives the same disks with its own drivers (ata_piix,
# virtio_pci and virtio_blk), and the guest's fio (static, from Debian's
# source package) runs 4 KiB jobs: sequential and random reads and writes at
# queue depth 1 and 32 (libaio, O_DIRECT), IOS operations each (default
# 256). fio counts operations a second in the guest's time, which is the
# emulated time: ticks per operation are TSC Hz / IOPS. The report lands in
# build/bench-fio/report.txt.
#
# One Bochs boot a disk kind, one after the other (a second busy CPU would
# share the emulator's instructions and skew the ticks); the disk is an
# image in dom0's memory. dom0 prints the partition's exits by reason once
# it has stopped.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
DISK_SECTORS=16384 # 8 MiB: for Linux, the pattern's second MiB and fio's fifth to eighth
LINUX_TIME_LIMIT=900
die() {
    echo "disk-bench: $*" >&2
    exit 1
}

mode=${1:-guests}
IOS=${2:-256}
case "$mode" in
guests) out=build/bench-disk ;;
fio)
    out=build/bench-fio
    [[ $IOS =~ ^[1-9][0-9]*$ ]] || die "IOS wants a positive number, got '$IOS'"
    ;;
*) die "usage: tools/disk-bench.sh [fio [IOS]]" ;;
esac
mkdir -p "$out"
# shellcheck source=tests/integration/lib.sh
source tests/integration/lib.sh

plain() { sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$out/$1.log"; }

# The configs: the partition (named by the first word printed) and what
# the image needs beside the config, for a disk of kind $1.
guests_config() {
    local guest=ide-disk
    [ "$1" = ide ] || guest=virtio-disk
    config_with_partitions <<CFG
$(dom0_partition "script = wait bench stopped; stats bench")
$(disk_partition bench 1 "$guest.elf" "$1:bench.img")
CFG
}
fio_config() {
    local dev=sda
    [ "$1" = ide ] || dev=vda
    config_with_partitions <<CFG
$(dom0_partition "script = wait linux stopped 3600; stats linux")

$(linux_partition 1 "bulkhead.disk=$dev:write" "bulkhead.fio=$dev:$IOS")
disk = $1:bench.img
CFG
}

# boot KIND PARTITION: the mode's config with a disk of that kind (an
# all-zero image), booted once; its serial log is $out/KIND.log, and
# PARTITION must have stopped with status 0.
boot() {
    local kind=$1 partition=$2 extra=()
    WORK=$out/$kind
    mkdir -p "$WORK"
    head -c $((DISK_SECTORS * 512)) /dev/zero >"$WORK/bench.img"
    "${mode}_config" "$kind"
    [ "$mode" = guests ] || extra=(--extra build/linux/vmlinux:vmlinux
        --extra build/linux/initramfs.cpio.gz:initrd.gz)
    tools/mkimage.sh --out "$WORK/disk.img" --efi build/BOOTX64.EFI --core build/core.elf \
        --guests build/guests --config "$CONFIG" --extra "$WORK/bench.img:bench.img" \
        "${extra[@]}" >/dev/null
    tools/run.sh --emu bochs --cpus 2 --mem 512 --timeout 1800 --image "$WORK/disk.img" \
        --log "$out/$kind.log" >"$WORK/run.out" 2>&1 || die "the $kind run failed, see $WORK/run.out"
    rm -f "$WORK/disk.img"
    plain "$kind" | grep -q "partition $partition: stopped (exit status 0)" ||
        die "the $kind guest failed, see $out/$kind.log"
}

ops_per_second() { # TICKS_OR_IOPS: the other one, at the TSC's rate
    awk -v mhz="$tsc_mhz" -v n="$1" 'BEGIN { print mhz * 1e6 / n }'
}

# Our guests' lines: "operation depth ticks accesses" per measurement.
guests_rows() {
    plain "$1" | sed -nE 's/.*-disk: bench ([a-z-]+) 4KiB qd([0-9]+): [0-9]+ ops, ([0-9]+) ticks\/op, ([0-9.]+) (port|register) accesses\/op$/\1 \2 \3 \4/p'
}
guests_report() {
    echo "Disks dom0 serves, 4 KiB operations; TSC $tsc_mhz MHz (under Bochs: emulated instructions)"
    printf '%-7s %-11s %5s %10s %12s %10s\n' disk operation depth ticks/op "ops/s at TSC" exits/op
    for kind in ide virtio; do
        guests_rows "$kind" | while read -r what depth ticks accesses; do
            printf '%-7s %-11s %5s %10s %12.0f %10s\n' "$kind" "$what" "$depth" "$ticks" \
                "$(ops_per_second "$ticks")" "$accesses"
        done
    done
}

# fio's lines: "job depth ios iops latency" per job.
fio_rows() {
    plain "$1" | sed -nE 's/.*linux-guest: fio [a-z]+ ([a-z]+) qd([0-9]+): ([0-9]+) ios, ([0-9]+) IOPS, ([0-9.]+) us mean latency, error 0$/\1 \2 \3 \4 \5/p'
}
fio_report() {
    echo "fio, $IOS x 4 KiB per job in Debian's kernel; TSC $tsc_mhz MHz (under Bochs: emulated instructions)"
    printf '%-7s %-10s %5s %8s %10s %12s\n' disk job depth IOPS ticks/op "latency us"
    for kind in ide virtio; do
        fio_rows "$kind" | while read -r job depth ios iops latency; do
            printf '%-7s %-10s %5s %8s %10.0f %12s\n' "$kind" "$job" "$depth" "$iops" \
                "$(ops_per_second "$iops")" "$latency"
        done
    done
}

partition=bench
[ "$mode" = guests ] || partition=linux
boot ide "$partition"
boot virtio "$partition"
tsc_mhz=$(plain ide | sed -nE 's/^bulkhead: tsc: ([0-9.]+) MHz from.*/\1/p')
{
    "${mode}_report"
    echo
    echo "The partition's exits over its whole run (setup$([ "$mode" = guests ] || echo ", Linux's boot") included), once it stopped:"
    for kind in ide virtio; do
        echo "  $kind: $(plain "$kind" | sed -nE "s/.*dom0: stats $partition: (exits .*)/\1/p")"
    done
} | tee "$out/report.txt"
