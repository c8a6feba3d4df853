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
    head -c $((DISK_SECTORS * 512)) /dev/zero >"$WORK/healthy.img"
    head -c $((DISK_SECTORS * 512)) /dev/zero >"$WORK/hostile.img"
    IMAGE_ARGS+=(--extra "$WORK/healthy.img:healthy.img" --extra "$WORK/hostile.img:hostile.img")
    config_with_partitions <<'CFG'
[partition dom0]
cpus = 0
memory = 4M
image = dom0.elf
mode = pv
privileged = yes

[partition disk]
cpus = 1
memory = 4M
image = ide-disk.elf
mode = full
disk = ide:healthy.img
time_limit = 300

[partition hostile]
cpus = 2
memory = 4M
image = ide-disk.elf
mode = full
disk = ide:hostile.img
time_limit = 300
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
