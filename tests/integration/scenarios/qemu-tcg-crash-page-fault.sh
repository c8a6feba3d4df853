# The hypervisor itself faults (crash_test = page-fault): the exception
# report names the vector, error code, RIP, CR2 and registers, and the
# machine halts (no partition owned what faulted). The boot CPU is the one that faults, so nothing powers the
# machine off afterwards and the run ends at its timeout.
EMU=qemu-tcg
CPUS=2
MEM=512
TIMEOUT=40
CONFIG=$WORK/bulkhead.cfg

prepare() {
    config_setting crash_test page-fault
}

check() {
    expect_exit 124
    expect_line "bulkhead: summary cpus=$CPUS vmx=0 guests=0 ok=0 failed=0 partitions=0 running=0 stopped=0 crashed=0"
    expect_line "bulkhead: crash test: reading unmapped address 0x1000"
    expect_line "bulkhead: error: cpu0: exception 14 (#PF page fault), error code 0x0"
    expect_prefix_with "bulkhead:   rip=ffffffff8" "cr2=0000000000001000"
    expect_prefix "bulkhead:   rax="
    expect_prefix "bulkhead:   r12="
    expect_line "bulkhead: error: cpu0 stopped"
    expect_line "bulkhead: error: machine halted: the hypervisor faulted outside what one partition owns"
    expect_no_prefix "bulkhead: powering off"
}
