# Debian's own kernel, entered through its PVH note, boots unmodified in a
# full partition beside dom0 and a pv partition: its console is dom0's
# 16550 model (console=ttyS0), its /init (guests/linux) checks the CPU
# count, the memory, the release and a file, prints one result line and
# powers off through ACPI; the partition stops with status 0 and the pv
# partition beside it runs to its end undisturbed.
EMU=bochs
CPUS=3
MEM=768
TIMEOUT=900
NEEDS="stub core linux"
IMAGE_ARGS=(--extra build/linux/vmlinux:vmlinux --extra build/linux/initramfs.cpio.gz:initrd.gz)

prepare() {
    config_with_partitions 2 <<CFG
$(dom0_partition)

[partition linux]
cpus = 1
memory = 128M
mode = full
kernel = vmlinux
initrd = initrd.gz
cmdline = "console=ttyS0 quiet bulkhead.cpus=1 bulkhead.mem=128"
emulate = uart 0x3f8
console = none
CFG
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: [dom0] [linux] linux-guest: start"
    expect_prefix "bulkhead: [dom0] [linux] linux-guest: PASS cpus=1 "
    expect_line "bulkhead: partition linux: stopped (exit status 0)"
    expect_healthy_partition
    expect_partition_passed dom0
}
