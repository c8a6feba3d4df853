# The crash log survives a warm reset: the hypervisor faults on purpose
# (crash_test = page-fault) and, with on_fault = reboot, resets the machine
# once its report is out. The next boot's stub finds the report in the crash
# page, prints it and writes bulkhead-lastcrash.txt to the stick; that boot
# faults again, so the run ends by its timeout.
EMU=qemu-tcg
CPUS=2
MEM=512
TIMEOUT=45
CONFIG=$WORK/bulkhead.cfg
RUN_ARGS=(--reboot yes --keep-image "$WORK/after.img")

prepare() {
    config_setting crash_test page-fault &&
        sed -i 's/^crash_test = page-fault$/&\non_fault = reboot/' "$CONFIG" &&
        grep -qx 'on_fault = reboot' "$CONFIG"
}

check() {
    local fault="error: cpu0: exception 14 (#PF page fault), error code 0x0"
    expect_exit 124
    expect_count_at_least '^bulkhead: core started: ' 2
    # The first boot has nothing to show; the report comes after the reset.
    [ "$(first_match '^bulkhead: (the last boot|resetting the machine after the fault)')" = \
        "bulkhead: resetting the machine after the fault (on_fault = reboot)" ] ||
        fail "a last boot's report came before the first fault's reset"
    expect_order "bulkhead: resetting (" "bulkhead: the last boot ended in a hypervisor fault:"
    expect_line "bulkhead: last boot: $fault"
    expect_prefix_with "bulkhead: last boot:   rip=ffffffff8" "cr2=0000000000001000"
    expect_prefix "bulkhead: last boot:   r12="
    expect_line "bulkhead: last boot: error: cpu0 stopped"
    expect_order "bulkhead: the last boot's log is in \\EFI\\BOOT\\bulkhead-lastcrash.txt" \
        "bulkhead: core started: "
    expect_no_prefix "bulkhead: no crash page"
    expect_no_prefix "bulkhead: warning: cannot write"
    # The file on the stick: how it ended, the report, the log before it.
    expect_image_file_line bulkhead-lastcrash.txt "How it ended: the hypervisor faulted (its report follows)"
    expect_image_file_line bulkhead-lastcrash.txt "bulkhead: $fault"
    expect_image_file_line bulkhead-lastcrash.txt "bulkhead: crash test: reading unmapped address 0x1000"
    expect_image_file_line bulkhead-lastcrash.txt "bulkhead: summary cpus=$CPUS vmx=0 guests=0 ok=0 failed=0 partitions=0 running=0 stopped=0 crashed=0"
}
