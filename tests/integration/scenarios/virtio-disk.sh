# A guest of our own drives its virtio disk through guests/lib's small
# virtio-blk driver (guests/virtio-disk): it finds dom0's virtio-blk
# function at PCI 00:02.0 by its capabilities, negotiates VERSION_1, sets
# up a 128-entry queue in its RAM, writes 32 blocks of 4 KiB with all 32
# requests in flight behind one notification, reads them back one at a
# time, flushes, and gets an error for a read beyond the disk and for one
# that runs past its end. Beside it a partition with an IDE disk
# (guests/ide-disk) does its own checks: both kinds served at once.
EMU=bochs
CPUS=3
TIMEOUT=600
DISK_SECTORS=4096 # 2 MiB each

prepare() {
    head -c $((DISK_SECTORS * 512)) /dev/zero >"$WORK/virtio.img"
    head -c $((DISK_SECTORS * 512)) /dev/zero >"$WORK/ide.img"
    IMAGE_ARGS+=(--extra "$WORK/virtio.img:virtio.img" --extra "$WORK/ide.img:ide.img")
    config_with_partitions <<'CFG'
[partition dom0]
cpus = 0
memory = 4M
image = dom0.elf
mode = pv
privileged = yes

[partition vdisk]
cpus = 1
memory = 4M
image = virtio-disk.elf
mode = full
disk = virtio:virtio.img
time_limit = 300

[partition idisk]
cpus = 2
memory = 4M
image = ide-disk.elf
mode = full
disk = ide:ide.img
time_limit = 300
CFG
}

check() {
    local checks
    checks=$(($(grep -c "^ *EXPECT_" guests/virtio-disk/main.c) -
        $(sed -n '/^static void bench(/,/^}/p' guests/virtio-disk/main.c | grep -c "^ *EXPECT_")))
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: serving 2 of 2 disk(s): 1 IDE, 1 virtio"
    expect_line "bulkhead: [vdisk] virtio-disk: $DISK_SECTORS sectors"
    expect_count "^bulkhead: \[vdisk\] PASS " "$checks"
    expect_no_prefix "bulkhead: [vdisk] FAIL"
    expect_line "bulkhead: [vdisk] virtio-disk: done"
    expect_line "bulkhead: [idisk] ide-disk: done"
    expect_no_prefix "bulkhead: [idisk] FAIL"
    expect_count "^bulkhead: \[dom0\] dom0: virtio disk of partition 2: [0-9]+ requests served, 0 refused$" 1
    expect_partition_passed vdisk
    expect_partition_passed idisk
    expect_partition_passed dom0
}
