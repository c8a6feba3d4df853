# The hypervisor overflows a stack (crash_test = stack-overflow): the guard
# page below the stack turns it into a fault, the double-fault handler runs
# on its own stack, reports the overflow and halts the machine.
EMU=qemu-tcg
CPUS=2
MEM=512
TIMEOUT=40
CONFIG=$WORK/bulkhead.cfg

prepare() {
    config_setting crash_test stack-overflow
}

check() {
    expect_exit 124
    expect_line "bulkhead: summary cpus=$CPUS vmx=0 guests=0 ok=0 failed=0 partitions=0 running=0 stopped=0 crashed=0"
    expect_line "bulkhead: crash test: overflowing the stack into its guard page"
    expect_line "bulkhead: error: cpu0: exception 8 (#DF double fault), error code 0x0"
    expect_line "bulkhead: error: cpu0: stack overflow (cr2 is in a stack guard page)"
    expect_line "bulkhead: error: cpu0 stopped"
    expect_line "bulkhead: error: machine halted: the hypervisor faulted outside what one partition owns"
    expect_no_prefix "bulkhead: powering off"
}
