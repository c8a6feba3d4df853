# Two full partitions, each with an IDE disk of its own that dom0 serves
# (guests/ide-disk): the healthy one writes 32 sectors with REP OUTSW,
# reads them back with REP INSW, reads the last sector through LBA48 and
# finds a range beyond its disk refused (IDNF) and an unknown command
# aborted. The hostile one first throws 3000 rounds of garbage at its
# channel (random registers, commands at random addresses, string
# transfers of any length, 32-bit accesses), then resets the channel and
# must find its own disk working. Both end with status 0, each finds its
# own pattern on its disk at the end, and dom0 serves to the end.
EMU=bochs
CPUS=3
TIMEOUT=600
DISK_SECTORS=2048 # 1 MiB each

prepare() {
    zero_disk healthy.img "$DISK_SECTORS"
    zero_disk hostile.img "$DISK_SECTORS"
    config_with_partitions <<CFG
$(dom0_partition)
$(disk_partition disk 1 ide-disk.elf ide:healthy.img)
$(disk_partition hostile 2 ide-disk.elf ide:hostile.img)
CFG
}

check() {
    local checks
    checks=$(guest_checks guests/ide-disk/main.c bench)
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: serving 2 of 2 disk(s): 2 IDE, 0 virtio"
    expect_line "bulkhead: [disk] ide-disk: IDENTIFY: $DISK_SECTORS sectors"
    expect_line "bulkhead: [hostile] ide-disk: IDENTIFY: $DISK_SECTORS sectors"
    expect_line "bulkhead: [hostile] ide-disk: 3000 rounds of garbage thrown at the channel"
    expect_count "^bulkhead: \[disk\] PASS " "$checks"
    expect_count "^bulkhead: \[hostile\] PASS " "$checks"
    expect_no_prefix "bulkhead: [disk] FAIL"
    expect_no_prefix "bulkhead: [hostile] FAIL"
    expect_line "bulkhead: [disk] ide-disk: done"
    expect_line "bulkhead: [hostile] ide-disk: done"
    expect_partition_passed disk
    expect_partition_passed hostile
    expect_partition_passed dom0
}
