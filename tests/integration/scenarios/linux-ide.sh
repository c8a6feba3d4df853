# Debian's kernel gets a disk through emulated hardware: its config's
# `disk = ide:disk.img` gives it a PIIX IDE controller at PCI 00:01.0 whose
# primary channel (ports 0x1f0 and 0x3f6, IRQ 14 through the I/O APIC) and
# configuration space are dom0's models, with an ATA disk behind it whose
# sectors are disk.img, mapped into dom0's memory. Debian's ata_piix
# finds the controller, sd_mod makes the disk /dev/sda; /init writes 1 MiB
# of numbered lines to it, drops its caches, reads them back from the disk
# and compares. Then the guest reboots (the partition restarts, the
# machine does not): the disk's image keeps what was written until the
# machine powers off, so the second boot finds the lines without writing.
# Each boot then runs fio's 4 KiB jobs on /dev/sda (queue depth 1 and 32:
# libata queues one command at a time on IDE).
EMU=bochs
CPUS=2
MEM=512
TIMEOUT=900
NEEDS="stub core linux"
IMAGE_ARGS=(--extra build/linux/vmlinux:vmlinux --extra build/linux/initramfs.cpio.gz:initrd.gz)
DISK_SECTORS=16384 # 8 MiB
DISK_KIND=ide
DISK_DEVICE=sda
FIO_ARGS=(bulkhead.fio=sda:16)

prepare() {
    # Not zeros: what the guest reads back must be what it wrote.
    head -c $((DISK_SECTORS * 512)) /dev/urandom >"$WORK/disk.img"
    IMAGE_ARGS+=(--extra "$WORK/disk.img:disk.img")
    config_with_partitions <<CFG
$(dom0_partition)

$(linux_partition 1 "bulkhead.disk=$DISK_DEVICE:keep" bulkhead.reboot=1 "${FIO_ARGS[@]}")
disk = $DISK_KIND:disk.img
CFG
    with_timestamps
}

check() {
    expect_exit 0
    expect_prefix_with "bulkhead: partition dom0: serves the disk of partition linux:" \
        "ide:disk.img, $DISK_SECTORS sectors at 0x4000000000"
    expect_line "bulkhead: [dom0] dom0: serving 1 of 1 disk(s): 1 IDE, 0 virtio"
    expect_linux_disk_kept
    expect_linux_fio sda 16 2
}

# What both disk kinds show: the disk's size on both boots, the pattern
# written on the first, found again after the reboot, and dom0 to the end.
expect_linux_disk_kept() {
    local disk="bulkhead: [linux] linux-guest: disk $DISK_DEVICE"
    expect_count "^bulkhead: \[linux\] linux-guest: disk $DISK_DEVICE: $DISK_SECTORS sectors$" 2
    expect_line "$disk: keep: the pattern reads back from the disk"
    expect_line "bulkhead: [linux] linux-guest: rebooting"
    expect_line "bulkhead: partition linux: reset by its guest: starting it again"
    expect_line "$disk: check: the pattern reads back from the disk"
    expect_count "^bulkhead: \[linux\] linux-guest: PASS .* disk=$DISK_DEVICE:(keep|check)( |$)" 2
    expect_linux_guest_passed 1 2
    expect_partition_passed dom0
}
