# A hostile pv partition scribbles the indices of its console ring (a
# producer far out of range, then a producer racing through out-of-range
# values). dom0 reports the bad index, resets that ring and keeps printing
# the lines of the well-behaved partition, and later those of the hostile
# one once it writes properly again.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 150')

[partition hostile]
cpus = 1
memory = 4M
image = hostile-console.elf
mode = pv
time_limit = 150

[partition good]
cpus = 2
memory = 4M
image = pv-console.elf
mode = pv
time_limit = 150
CFG
}

check() {
    local lines
    lines=$(pv_console_lines)
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: console backend for 2 pv partition(s)"
    expect_prefix_with "bulkhead: [dom0] dom0: console ring of hostile: bad index (producer " \
        "), ring reset"
    expect_order "bulkhead: [dom0] dom0: console ring of hostile: bad index" \
        "bulkhead: [good] pv-console: run 1 line $lines of $lines"
    # good was heard while hostile was still racing its producer.
    expect_order "bulkhead: [good] pv-console: run 1 line 1 of" \
        "bulkhead: [hostile] hostile-console: heard after the reset"
    expect_line "bulkhead: [good] pv-console: done"
    expect_line "bulkhead: [hostile] hostile-console: heard after the reset"
    expect_no_prefix "bulkhead: [hostile] FAIL"
    expect_no_prefix "bulkhead: [good] FAIL"
    expect_line "bulkhead: partition hostile: stopped (exit status 0)"
    expect_line "bulkhead: partition good: stopped (exit status 0)"
    expect_count '^bulkhead: \[dom0\] dom0: console rings: [0-9]+ lines printed, [1-9][0-9]* bad indices reset$' 1
    expect_partition_passed dom0
    expect_partition_summary 3 3 0 dom0:0,hostile:0,good:0
}
