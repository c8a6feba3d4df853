# linux-pvh with two vCPUs, and a reboot: the kernel starts its second CPU
# through the local APIC's INIT and start-up IPIs, among the partition's
# own vCPUs, and its /init sees both; then it reboots (bulkhead.reboot=1:
# the ACPI reset register), the partition starts again (on_reboot =
# restart, the default), the kernel boots a second time with both CPUs,
# finds the mark its first boot left in the battery-backed CMOS RAM, and
# powers off.
source tests/integration/scenarios/linux-pvh.sh
CPUS=4
TIMEOUT=900
LINUX_CPUS=2
LINUX_ARGS=(bulkhead.reboot=1)
LINUX_BOOTS=2

check() {
    expect_line "bulkhead: [linux] linux-guest: rebooting"
    expect_line "bulkhead: partition linux: reset by its guest: starting it again"
    expect_line "bulkhead: [linux] linux-guest: this boot followed a reboot"
    expect_linux_run
}
