# A partition is restarted in the middle of its disk I/O: "bench" runs
# guests/virtio-disk's benchmark (a thousand 4 KiB requests, up to 32 in
# flight) on its virtio disk; once the partition beside it has finished its
# own disk checks, dom0's script restarts bench (`restart bench`) while its
# requests are under way. The restarted guest starts its driver again, which
# resets the device, and runs the whole benchmark to the end with every
# request answered right; dom0 and the other partition's disk are unharmed.
EMU=bochs
CPUS=3
TIMEOUT=600
DISK_SECTORS=4096 # 2 MiB each

prepare() {
    zero_disk bench.img "$DISK_SECTORS"
    zero_disk vdisk.img "$DISK_SECTORS"
    config_with_partitions <<CFG
$(dom0_partition "script = wait vdisk stopped; restart bench")
$(disk_partition vdisk 1 virtio-disk.elf virtio:vdisk.img)
$(disk_partition bench 2 virtio-disk.elf virtio:bench.img)
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: vdisk is stopped"
    expect_partition_passed vdisk
    expect_line "bulkhead: [vdisk] virtio-disk: done"
    expect_line "bulkhead: [dom0] dom0: restart bench: ok"
    # Two runs started, one ended: the restart cut the first short.
    expect_count "^bulkhead: \[bench\] virtio-disk: 4096 sectors$" 2
    expect_count "^bulkhead: \[bench\] virtio-disk: done$" 1
    expect_no_prefix "bulkhead: [bench] FAIL"
    expect_partition_passed bench
    expect_partition_passed dom0
}
