# Debian's own kernel, entered through its PVH note, boots unmodified in a
# full partition beside dom0 and a pv partition that prints a tick now and
# then and sleeps in between (guests/pv-ticker): the firmware tables, the
# local APIC, the I/O APIC, the PIT, the RTC and the PCI host bridge are
# the hypervisor's models, its console is dom0's 16550 model (console=ttyS0,
# interrupt-driven on IRQ 4 through the I/O APIC). Its /init (guests/linux)
# checks the CPU count, the memory, the release and a file, prints one
# result line and powers off through ACPI S5: the partition stops with
# status 0, and the pv partition beside it runs to its end undisturbed. The
# guest's uptime between two of its lines agrees with the hypervisor's time
# stamps of them (timestamps = yes).
EMU=bochs
CPUS=3
MEM=768
TIMEOUT=600
NEEDS="stub core linux"
IMAGE_ARGS=(--extra build/linux/vmlinux:vmlinux --extra build/linux/initramfs.cpio.gz:initrd.gz)
LINUX_CPUS=1
LINUX_ARGS=()
LINUX_BOOTS=1 # the guest's boots in the run: each prints PASS

prepare() {
    config_with_partitions <<CFG
$(dom0_partition)

$(linux_partition "$LINUX_CPUS" "${LINUX_ARGS[@]}")

$(ticker_partition "$((LINUX_CPUS + 1))")
CFG
    with_timestamps
}

check() {
    expect_linux_run
}

# What every Linux run of this kind shows; linux-pvh-smp adds its reboot.
expect_linux_run() {
    expect_exit 0
    expect_linux_guest_passed "$LINUX_CPUS" "$LINUX_BOOTS"
    expect_linux_clock_kept
    expect_linux_time_of_day
    expect_linux_platform_whole
    expect_ticker_passed
    expect_partition_passed dom0
}
