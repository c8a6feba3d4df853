# A guest of our own drives its virtio disk through guests/lib's small
# virtio-blk driver (guests/virtio-disk): it finds dom0's virtio-blk
# function at PCI 00:02.0 by its capabilities, negotiates VERSION_1, sets
# up a 128-entry queue in its RAM, writes 32 blocks of 4 KiB with all 32
# requests in flight behind one notification, reads them back one at a
# time, flushes, and gets an error for a read beyond the disk and for one
# that runs past its end. The same guest runs once more in a pv partition
# (a Bulkhead-aware guest reaches the same device), and beside them a
# partition with an IDE disk (guests/ide-disk) does its own checks: three
# disks of both kinds served at once.
EMU=bochs
CPUS=4
TIMEOUT=600
DISK_SECTORS=4096 # 2 MiB each

prepare() {
    zero_disk virtio.img "$DISK_SECTORS"
    zero_disk ide.img "$DISK_SECTORS"
    zero_disk pv.img "$DISK_SECTORS"
    config_with_partitions <<CFG
$(dom0_partition)
$(disk_partition vdisk 1 virtio-disk.elf virtio:virtio.img)
$(disk_partition idisk 2 ide-disk.elf ide:ide.img)
$(disk_partition pvdisk 3 virtio-disk.elf virtio:pv.img pv)
CFG
}

check() {
    local checks guest
    checks=$(guest_checks guests/virtio-disk/main.c bench verify_earlier_writes throw_bad_chains expect_refused)
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: serving 3 of 3 disk(s): 1 IDE, 2 virtio"
    for guest in vdisk pvdisk; do
        expect_line "bulkhead: [$guest] virtio-disk: $DISK_SECTORS sectors"
        expect_count "^bulkhead: \[$guest\] PASS " "$checks"
        expect_no_prefix "bulkhead: [$guest] FAIL"
        expect_line "bulkhead: [$guest] virtio-disk: done"
        expect_partition_passed "$guest"
    done
    expect_line "bulkhead: [idisk] ide-disk: done"
    expect_no_prefix "bulkhead: [idisk] FAIL"
    expect_count "^bulkhead: \[dom0\] dom0: virtio disk of partition [24]: [0-9]+ requests served, 0 refused$" 2
    expect_partition_passed idisk
    expect_partition_passed dom0
}
