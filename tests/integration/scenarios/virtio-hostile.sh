# A partition hands its virtio disk chains no driver should
# (guests/virtio-disk named hostile): a descriptor loop, a header outside
# its RAM, a readable buffer after a writable one, a segment that wraps
# around the address space, a sector beyond the disk, a head past the
# table, and an available index 1000 entries ahead. dom0's device refuses
# each chain (put back with nothing written, or an error status), answers
# the lie with "needs reset", and after the guest resets it, its own checks
# pass. Beside it, a healthy partition's virtio disk stays right throughout,
# and dom0 serves to the end.
EMU=bochs
CPUS=3
TIMEOUT=600
DISK_SECTORS=4096 # 2 MiB each

prepare() {
    zero_disk healthy.img "$DISK_SECTORS"
    zero_disk hostile.img "$DISK_SECTORS"
    config_with_partitions <<CFG
$(dom0_partition)
$(disk_partition vdisk 1 virtio-disk.elf virtio:healthy.img)
$(disk_partition hostile 2 virtio-disk.elf virtio:hostile.img)
CFG
}

check() {
    local source=guests/virtio-disk/main.c healthy bad refused
    healthy=$(guest_checks $source bench verify_earlier_writes throw_bad_chains expect_refused)
    bad=$(($(guest_checks $source bench verify_earlier_writes expect_refused) - healthy))
    refused=$(($(guest_checks $source bench verify_earlier_writes) - healthy - bad))
    expect_exit 0
    expect_line "bulkhead: [hostile] virtio-disk: bad chains thrown; the device asks for a reset"
    # throw_bad_chains calls expect_refused five times.
    expect_count "^bulkhead: \[hostile\] PASS " "$((healthy + bad + 5 * refused))"
    expect_count "^bulkhead: \[vdisk\] PASS " "$healthy"
    expect_no_prefix "bulkhead: [hostile] FAIL"
    expect_no_prefix "bulkhead: [vdisk] FAIL"
    expect_line "bulkhead: [hostile] virtio-disk: done"
    expect_line "bulkhead: [vdisk] virtio-disk: done"
    expect_count "^bulkhead: \[dom0\] dom0: virtio disk of partition 2: [0-9]+ requests served, 0 refused$" 1
    expect_count "^bulkhead: \[dom0\] dom0: virtio disk of partition 3: [0-9]+ requests served, [1-9][0-9]* refused$" 1
    expect_partition_passed vdisk
    expect_partition_passed hostile
    expect_partition_passed dom0
}
