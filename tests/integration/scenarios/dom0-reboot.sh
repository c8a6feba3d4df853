# dom0's `reboot`: every partition stops, the summary is printed and the
# machine resets; under Bochs it boots again, and the same config reboots it
# again, so the run ends by its timeout (run.sh exit 124) with the core's
# first line in the serial log at least twice.
EMU=bochs
CPUS=1
TIMEOUT=90

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120' 'script = reboot')
CFG
}

check() {
    expect_exit 124
    expect_count_at_least '^bulkhead: core started: ' 2
    expect_count_at_least '^bulkhead: partition dom0: reboot requested: stopping every partition$' 1
    expect_count_at_least '^bulkhead: summary cpus=1 vmx=1 guests=1 ok=1 failed=0 partitions=1 running=0 stopped=1 crashed=0 status=dom0:-$' 1
    expect_order "bulkhead: summary " "bulkhead: resetting (port 0xcf9)"
    expect_order "bulkhead: resetting (port 0xcf9)" "bulkhead: core started: "
    expect_no_prefix "bulkhead: resetting (keyboard controller)"
    expect_no_prefix "bulkhead: error: reset failed"
    expect_no_prefix "bulkhead: powering off"
}
