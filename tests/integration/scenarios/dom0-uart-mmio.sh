# An unmodified guest's memory-mapped UART: every load and store to the
# page dom0 claims traps as an EPT violation, is decoded, becomes an I/O
# request with its guest-physical address, and dom0's 16550 model answers.
# A touch outside what anyone claims still stops a partition.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120')

[partition mmio]
cpus = 1
memory = 4M
image = uart-mmio.elf
emulate = uart-mmio 0xfe000000
mode = full
console = none
time_limit = 120

[partition intruder]
cpus = 2
memory = 4M
image = hostile-mem-mmio.elf
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [mmio] uart-mmio: hello through a memory-mapped 16550"
    expect_line "bulkhead: [mmio] uart-mmio: PASS register round trips of several widths"
    expect_line "bulkhead: partition mmio: stopped (exit status 0)"
    expect_partition_crashed intruder 2 "48 (EPT violation)"
    expect_line "bulkhead: [dom0] dom0: every other partition has stopped; 0 bad requests refused"
    expect_partition_passed dom0
    expect_partition_summary 3 2 1 dom0:0,mmio:0,intruder:-
}
