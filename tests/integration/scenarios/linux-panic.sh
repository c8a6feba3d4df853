# A kernel panic stays in its partition: Debian's kernel (linux-pvh's setup)
# panics on purpose at the start of its /init (bulkhead.panic=1: sysrq's
# crash command) and, told to (panic=1), resets its machine a second later
# through the ACPI reset register. The partition has on_reboot = stop, so
# it ends there ("reset by its guest"); the pv partition beside it and dom0
# run to their ends, and the machine powers off as usual.
source tests/integration/scenarios/linux-pvh.sh
LINUX_ARGS=(bulkhead.panic=1 panic=1)

prepare() {
    config_with_partitions <<CFG
$(dom0_partition)

$(linux_partition "$LINUX_CPUS" "${LINUX_ARGS[@]}")
on_reboot = stop

$(ticker_partition "$((LINUX_CPUS + 1))")
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [linux] linux-guest: panicking on purpose"
    expect_count '^bulkhead: \[linux\] \[ *[0-9.]+\] Kernel panic - not syncing: sysrq triggered crash$' 1
    expect_line "bulkhead: partition linux: stopped (reset by its guest)"
    expect_no_prefix "bulkhead: [linux] linux-guest: PASS"
    expect_ticker_passed
    expect_partition_passed dom0
}
