# Disks that persist: dom0 owns a second ATA disk (`devices = ata 0x170`,
# the runner's data disk, kept from the first boot to the second) and
# serves three partitions a range of it each, as a virtio disk to a full
# and to a pv partition and as an IDE disk to a full one. dom0 drives the
# disk by polled PIO. On the first boot each guest writes its pattern and
# reads it back; once all three are done, dom0 crashes on purpose and is
# restarted: what it had acknowledged is on the disk already. The machine
# powers off. The second boot (a new machine on the same data disk) runs the
# guests in their verify mode: each finds its pattern without writing, and
# each range is bounded by its own size (a read past it fails) although the
# disk goes on.
EMU=bochs
CPUS=4
TIMEOUT=600
RANGE=2048 # sectors: 1 MiB each

ranges() { # ranges PREFIX: the three guests, their ranges side by side
    config_with_partitions <<CFG
$(dom0_partition 'devices = ata 0x170' 'on_crash = restart' "script = $2")
$(disk_partition "${1}v" 1 virtio-disk.elf "virtio:ata 0x170 lba 0 sectors $RANGE")
$(disk_partition "${1}i" 2 ide-disk.elf "ide:ata 0x170 lba $RANGE sectors $RANGE")
$(disk_partition "${1}p" 3 virtio-disk.elf "virtio:ata 0x170 lba $((2 * RANGE)) sectors $RANGE" pv)
CFG
}

prepare() {
    RUN_ARGS+=(--data-disk "$WORK/data.img")
    ranges keep "wait keepv stopped; wait keepi stopped; wait keepp stopped; crash"
}

second_boot() {
    ranges verify list
}

expect_disks_served() {
    expect_line "bulkhead: partition dom0: owns ata 0x170: ports 0x170-0x177 and 0x376 open"
    expect_line "bulkhead: partition dom0: serves the disk of partition ${1}v: virtio on ata 0x170, sectors 0-$((RANGE - 1))"
    expect_line "bulkhead: partition dom0: serves the disk of partition ${1}p: virtio on ata 0x170, sectors $((2 * RANGE))-$((3 * RANGE - 1))"
    expect_prefix "bulkhead: [dom0] dom0: ata 0x170: "
    expect_line "bulkhead: [dom0] dom0: disk of partition 3: sectors $RANGE-$((2 * RANGE - 1)) of ata 0x170"
    expect_line "bulkhead: [dom0] dom0: serving 3 of 3 disk(s): 1 IDE, 2 virtio"
    expect_line "bulkhead: [${1}v] virtio-disk: $RANGE sectors"
    expect_line "bulkhead: [${1}i] ide-disk: IDENTIFY: $RANGE sectors"
    local guest
    for guest in "${1}v" "${1}i" "${1}p"; do
        expect_no_prefix "bulkhead: [$guest] FAIL"
        expect_partition_passed "$guest"
    done
}

check() {
    local source=guests/virtio-disk/main.c
    expect_exit 0
    expect_disks_served keep
    expect_count "^bulkhead: \[keep[vp]\] PASS " \
        $((2 * $(guest_checks $source bench verify_earlier_writes throw_bad_chains expect_refused)))
    expect_line "bulkhead: [dom0] dom0: crashing on purpose"
    expect_line "bulkhead: error: partition dom0 crashed: restarting it (1 of 3)"
    expect_line "bulkhead: [dom0] dom0: running again after 1 restart(s)"
    expect_partition_passed dom0

    on_second_boot
    expect_exit 0
    expect_disks_served verify
    expect_count "^bulkhead: \[verify[vp]\] PASS " \
        $((2 * $(guest_checks $source bench write_in_flight_and_read_back throw_bad_chains expect_refused)))
    expect_line "bulkhead: [verifyv] virtio-disk: 32 blocks written earlier hold their pattern"
    expect_line "bulkhead: [verifyp] virtio-disk: 32 blocks written earlier hold their pattern"
    expect_line "bulkhead: [verifyi] ide-disk: verifying what an earlier run wrote"
    expect_line "bulkhead: [verifyi] ide-disk: done"
    expect_partition_passed dom0
}
