# A partition that spins forever with interrupts off is ended by its time
# limit; one that triple-faults with on_crash = restart is restarted from a
# fresh image a bounded number of times, then left crashed; a healthy
# partition beside them runs to the end.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions 0 <<'CFG'
[partition spin]
cpus = 1
memory = 4M
image = hostile-spin.elf
time_limit = 2

[partition triple]
cpus = 2
memory = 4M
image = hostile-triple.elf
on_crash = restart
CFG
}

check() {
    expect_exit 0
    expect_healthy_partition healthy
    expect_line "bulkhead: [spin] hostile-spin: interrupts off, spinning forever"
    expect_line "bulkhead: partition spin: stopped (time limit reached)"
    local restarts
    restarts=$(sed -nE 's/^#define PARTITION_MAX_RESTARTS[[:space:]]+([0-9]+).*/\1/p' hv/partition.h)
    expect_line "bulkhead: error: partition triple crashed: restarting it ($restarts of $restarts)"
    expect_count "^bulkhead: \[triple\] hostile-triple: loading an empty IDT, then int3\$" $((restarts + 1))
    expect_partition_crashed triple 2 "2 (triple fault)"
    expect_partition_summary 3 2 1 "healthy:0,spin:-,triple:-"
}
