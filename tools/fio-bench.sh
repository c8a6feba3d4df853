#!/usr/bin/env bash
# fio in Debian's kernel, on the disks dom0 serves, under Bochs: measured,
# never asserted. Linux drives its disk with its own drivers (ata_piix for
# `disk = ide:FILE`, virtio_pci and virtio_blk for `disk = virtio:FILE`);
# the guest's fio (static, from Debian's source package) runs 4 KiB jobs:
# sequential and random reads and writes, at queue depth 1 and 32 (libaio,
# O_DIRECT), IOS operations each. fio reports operations per second in the
# guest's time, which is the emulated time: under Bochs the TSC counts
# emulated instructions, so ticks per operation are TSC Hz / IOPS. dom0
# prints the partition's exits by reason once it has stopped (the boot
# included). One Bochs boot a disk kind, one after the other; the report
# lands in build/bench-fio/report.txt.
#
# Usage: tools/fio-bench.sh [IOS]   (make bench-fio; IOS default 256; about
#                                    eight minutes)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench-fio
IOS=${1:-256}
DISK_SECTORS=16384 # 8 MiB: the pattern's second MiB, fio's fifth to eighth
LINUX_TIME_LIMIT=900
die() {
    echo "fio-bench: $*" >&2
    exit 1
}
[[ $IOS =~ ^[1-9][0-9]*$ ]] || die "IOS wants a positive number, got '$IOS'"

mkdir -p "$out"
# shellcheck source=tests/integration/lib.sh
source tests/integration/lib.sh

plain() { sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$out/$1.log"; }

# boot KIND DEV: Linux with a disk of that kind (in dom0's memory), fio on
# /dev/DEV; its serial log is $out/KIND.log.
boot() {
    local kind=$1 dev=$2
    WORK=$out/$kind
    mkdir -p "$WORK"
    head -c $((DISK_SECTORS * 512)) /dev/zero >"$WORK/bench.img"
    config_with_partitions <<CFG
$(dom0_partition "script = wait linux stopped 3600; stats linux")

$(linux_partition 1 "bulkhead.disk=$dev:write" "bulkhead.fio=$dev:$IOS")
disk = $kind:bench.img
CFG
    tools/mkimage.sh --out "$WORK/disk.img" --efi build/BOOTX64.EFI --core build/core.elf \
        --guests build/guests --config "$CONFIG" --extra "$WORK/bench.img:bench.img" \
        --extra build/linux/vmlinux:vmlinux --extra build/linux/initramfs.cpio.gz:initrd.gz \
        >/dev/null
    tools/run.sh --emu bochs --cpus 2 --mem 512 --timeout 1800 --image "$WORK/disk.img" \
        --log "$out/$kind.log" >"$WORK/run.out" 2>&1 || die "the $kind run failed, see $WORK/run.out"
    rm -f "$WORK/disk.img"
    plain "$kind" | grep -q 'partition linux: stopped (exit status 0)' ||
        die "the Linux guest failed, see $out/$kind.log"
}

# rows KIND: "job depth ios iops latency" per fio job.
rows() {
    plain "$1" | sed -nE 's/.*linux-guest: fio [a-z]+ ([a-z]+) qd([0-9]+): ([0-9]+) ios, ([0-9]+) IOPS, ([0-9.]+) us mean latency, error 0$/\1 \2 \3 \4 \5/p'
}

boot ide sda
boot virtio vda
tsc_mhz=$(plain ide | sed -nE 's/^bulkhead: tsc: ([0-9.]+) MHz from.*/\1/p')
{
    echo "fio $IOS x 4 KiB per job in Debian's kernel; TSC $tsc_mhz MHz (under Bochs: emulated instructions)"
    printf '%-7s %-10s %5s %8s %10s %12s\n' disk job depth IOPS ticks/op "latency us"
    for kind in ide virtio; do
        rows "$kind" | while read -r job depth ios iops latency; do
            printf '%-7s %-10s %5s %8s %10.0f %12s\n' "$kind" "$job" "$depth" "$iops" \
                "$(awk -v mhz="$tsc_mhz" -v n="$iops" 'BEGIN { print mhz * 1e6 / n }')" "$latency"
        done
    done
    echo
    echo "The Linux partition's exits over its whole run (boot, pattern check and fio), once it stopped:"
    for kind in ide virtio; do
        echo "  $kind: $(plain "$kind" | sed -nE 's/.*dom0: stats linux: (exits .*)/\1/p')"
    done
} | tee "$out/report.txt"
