# crash_test = exit-faults: the hypervisor's own work for a partition
# faults. A pass-through MSR read the CPU refuses gives the guest #GP and
# the hypervisor goes on; a fault inside an exit handler stops only that
# partition (restarted from its image, as on_crash = restart asks, then
# left crashed), its CPU goes back to waiting, and a healthy partition
# beside it runs to the end before a clean power-off.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions 1 <<'CFG'
[partition victim]
cpus = 2
memory = 4M
image = exit-fault.elf
on_crash = restart
CFG
    sed -i 's/^crash_test = none$/crash_test = exit-faults/' "$CONFIG"
    grep -q '^crash_test = exit-faults$' "$CONFIG" || fail "config/selftest.cfg has no crash_test line to change"
}

check() {
    expect_exit 0
    expect_healthy_partition healthy
    expect_count "^bulkhead: crash test: guarded MSR reads go to MSR 0x[0-9a-f]+, which this CPU refuses\$" 1
    local restarts runs
    restarts=$(sed -nE 's/^#define PARTITION_MAX_RESTARTS[[:space:]]+([0-9]+).*/\1/p' hv/partition.h)
    runs=$((restarts + 1))
    expect_count "^bulkhead: \[victim\] PASS cpu_read_msr\(MSR_IA32_MISC_ENABLE\) raises #GP\$" $runs
    expect_count "^bulkhead: crash test: reading unmapped address 0x1000 in an exit handler\$" $runs
    expect_count "^bulkhead: error: cpu2: the hypervisor faulted handling an exit of partition victim: stopping it\$" $runs
    expect_count "^bulkhead: error: cpu2: exception 14 \(#PF page fault\), error code 0x0\$" $runs
    expect_line "bulkhead: error: partition victim crashed: restarting it ($restarts of $restarts)"
    expect_line "bulkhead: partition victim: crashed"
    expect_no_prefix "bulkhead: [victim] exit-fault: still running"
    expect_no_prefix "bulkhead: error: machine halted"
    expect_partition_summary 2 1 1 "healthy:0,victim:-"
}
