# The privileged calls: a privileged pv partition lists the partitions and
# stops, starts, restarts and destroys its neighbour, which spins forever
# with interrupts off; each start shows in the neighbour's output. First it
# reads the hypervisor log and passes bad buffers and actions to HC_LOG_READ
# and HC_MACHINE_CONTROL.
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<'CFG'
[partition control]
cpus = 0
memory = 4M
image = hc-control.elf
mode = pv
privileged = yes

[partition victim]
cpus = 1
memory = 4M
image = hostile-spin.elf
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_prefix "bulkhead: [control] hc-control: partition 1 control running"
    expect_prefix "bulkhead: [control] hc-control: partition 2 victim running"
    expect_line "bulkhead: [control] PASS hc_partition_stop(VICTIM_ID) == 0"
    expect_line "bulkhead: partition victim: stopped by control"
    expect_line "bulkhead: [control] PASS hc_partition_start(VICTIM_ID) == HC_EBUSY"
    expect_count '^bulkhead: partition victim: starting again on command$' 2
    expect_count '^bulkhead: \[victim\] hostile-spin: interrupts off, spinning forever$' 3
    expect_line "bulkhead: partition victim: destroyed, 4 MiB returned"
    expect_line "bulkhead: [control] PASS hc_partition_start(VICTIM_ID) == HC_ENOENT"
    expect_line "bulkhead: [control] PASS hc_log_read(text, 10, 0, &span) == 10"
    expect_line "bulkhead: [control] PASS hypercall(HC_LOG_READ, ram_end - 4, 8, 0, 0) == HC_EFAULT"
    expect_line "bulkhead: [control] PASS hc_machine_control(0) == HC_EINVAL"
    expect_line "bulkhead: [control] hc-control: done"
    expect_partition_passed control
    expect_partition_summary 2 2 0 "control:0,victim:-"
}
