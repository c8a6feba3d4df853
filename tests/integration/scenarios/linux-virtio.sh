# Debian's kernel gets a para-virtualized disk that persists: `disk =
# virtio:ata 0x170 lba 2048 sectors 16384` gives it a modern virtio-blk PCI
# function (1af4:1042 at 00:02.0, its registers behind a memory BAR at
# 0xc0000000, MSI-X) whose sectors are 8 MiB of the ATA disk dom0 owns
# (`devices = ata 0x170`: the runner's data disk, kept from one boot to the
# next). Debian's virtio_pci and virtio_blk drive it unmodified: the split
# virtqueue lives in the guest's RAM, each notification is a posted write,
# each completion an MSI-X message; dom0 moves the sectors to and from its
# disk by PIO. On the first boot /init writes 1 MiB of numbered lines to
# /dev/vda, drops its caches, reads them back and compares, then waits in a
# shell; the operator, at dom0's console, shuts the partition down (`shutdown
# linux`: the ACPI power button) and powers the machine off. The second boot
# is a new machine on the same data disk: /init finds the lines without
# writing. That boot also gives it a virtio console (`console = virtio`,
# 1af4:1043 at 00:03.0): virtio_console makes it /dev/hvc0, /init writes a
# line through it (dom0 prints it as the partition's), and the operator
# attaches (`console linux`) and types a line, which reaches /dev/hvc0 and
# comes back. Then fio (static, from Debian's source package) runs its 4 KiB
# jobs on /dev/vda at queue depth 1 and 32.
EMU=bochs
CPUS=2
MEM=512
TIMEOUT=900
NEEDS="stub core linux"
IMAGE_ARGS=(--extra build/linux/vmlinux:vmlinux --extra build/linux/initramfs.cpio.gz:initrd.gz)
DISK_SECTORS=16384 # 8 MiB
DISK_FIRST=2048

# linux_on_data_disk MODE [WORD...]: dom0 at the console, owning the data
# disk, and Linux with its disk on it, checking it in MODE.
linux_on_data_disk() {
    local mode=$1
    shift
    config_with_partitions <<CFG
$(dom0_partition 'devices = serial 0x3f8, ata 0x170')

$(linux_partition 1 "bulkhead.disk=vda:$mode" "$@")
disk = virtio:ata 0x170 lba $DISK_FIRST sectors $DISK_SECTORS
CFG
}

prepare() {
    RUN_ARGS+=(--data-disk "$WORK/data.img" --serial-script "$WORK/operator.script")
    linux_on_data_disk write bulkhead.shell=1
    cat >"$WORK/operator.script" <<'SCRIPT'
expect linux-guest: shell on the console
expect dom0> 
send shutdown linux\r
expect dom0: shutdown linux: power button pressed
expect partition linux: stopped
expect dom0> 
send poweroff\r
SCRIPT
}

second_boot() {
    LINUX_CONSOLE=virtio linux_on_data_disk check bulkhead.hvc=1 bulkhead.fio=vda:32
    cat >"$WORK/operator.script" <<'SCRIPT'
expect linux-guest: hvc0: waiting for a line
send console linux\r
expect dom0: console attached to linux
send typed at hvc0\r
expect linux-guest: hvc0 read: typed at hvc0
send \x1d
expect dom0: console detached from linux
expect partition linux: stopped
expect dom0> 
send poweroff\r
SCRIPT
}

expect_disk_on_data_disk() {
    expect_exit 0
    expect_line "bulkhead: partition dom0: serves the disk of partition linux: virtio on ata 0x170, sectors $DISK_FIRST-$((DISK_FIRST + DISK_SECTORS - 1))"
    expect_prefix "bulkhead: [dom0] dom0: ata 0x170: "
    expect_line "bulkhead: [dom0] dom0: serving 1 of 1 disk(s): 0 IDE, 1 virtio"
    expect_line "bulkhead: [linux] linux-guest: disk vda: $DISK_SECTORS sectors"
    expect_line "bulkhead: [linux] linux-guest: disk vda: $1: the pattern reads back from the disk"
    expect_prefix "bulkhead: [linux] linux-guest: PASS modules="
    expect_no_prefix "bulkhead: [linux] linux-guest: FAIL"
    expect_line "bulkhead: partition linux: stopped (exit status 0)"
}

check() {
    expect_disk_on_data_disk write
    expect_line "bulkhead: [dom0] dom0: shutdown linux: power button pressed"
    expect_line "bulkhead: [linux] linux-guest: power button: powering off"
    on_second_boot
    expect_disk_on_data_disk check
    expect_line "bulkhead: [linux] linux-guest: hello through hvc0"
    expect_line "bulkhead: [linux] typed at hvc0"
    expect_line "bulkhead: [linux] linux-guest: hvc0 read: typed at hvc0"
    expect_line "bulkhead: [linux] linux-guest: hvc0: a line came back"
    expect_prefix_with "bulkhead: [linux] linux-guest: PASS " "hvc=ok"
    expect_linux_fio vda 32
}
