# dom0 crashes (its boot script says so, on its first run only) while a full
# partition prints through dom0's emulated UART: the hypervisor reports the
# crash loudly and restarts dom0, the guest's port accesses wait instead of
# failing, and the restarted dom0 serves them all.
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'on_crash = restart' 'time_limit = 120' 'script = crash')

[partition uart]
cpus = 1
memory = 4M
image = uart-hello.elf
emulate = uart 0x3f8
mode = full
console = none
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: crashing on purpose"
    expect_prefix "bulkhead: error: cpu0: dom0 vcpu0 stopped: exit reason 2 (triple fault)"
    expect_line "bulkhead: error: partition dom0 crashed: restarting it (1 of 3)"
    expect_line "bulkhead: [dom0] dom0: running again after 1 restart(s)"
    expect_line "bulkhead: [uart] uart-hello: hello from a full-virtualization guest"
    expect_line "bulkhead: [uart] uart-hello: polled output through an emulated 16550"
    expect_line "bulkhead: partition uart: stopped (exit status 0)"
    expect_partition_passed dom0
    expect_partition_summary 2 2 0 "dom0:0,uart:0"
}
