# A full-virtualization guest that knows nothing of Bulkhead prints through
# a 16550 at COM1: each port access becomes an I/O request that dom0's
# device model answers, and dom0 hands the guest's lines to the log under
# the guest's own name.
# The guest reports success through the isa-debug-exit port 0xf4. A second
# full partition runs the same guest without naming the model (`emulate`):
# its COM1 is bare metal's empty bus, so it finds no UART and exits with 1,
# and none of its accesses reaches dom0.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120')

[partition uart]
cpus = 1
memory = 4M
image = uart-hello.elf
emulate = uart 0x3f8
mode = full
console = none
time_limit = 120

[partition plain]
cpus = 2
memory = 4M
image = uart-hello.elf
mode = full
console = none
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: serving a 16550 at COM1 for full partitions"
    expect_line "bulkhead: [uart] uart-hello: hello from a full-virtualization guest"
    expect_line "bulkhead: [uart] uart-hello: polled output through an emulated 16550"
    expect_line "bulkhead: partition uart: stopped (exit status 0)"
    expect_line "bulkhead: partition plain: stopped (exit status 1)"
    expect_no_prefix "bulkhead: [plain]"
    expect_line "bulkhead: [dom0] dom0: every other partition has stopped; 0 bad requests refused"
    expect_partition_passed dom0
    expect_partition_summary 3 3 0 "dom0:0,uart:0,plain:1"
}
