# dom0 is the console backend of two pv partitions: each prints through the
# console ring in its own RAM, and dom0 prints every line under the
# partition's name (so the lines carry dom0's prefix, not the hypervisor's
# direct "[name]" one). Partition b crashes after the lines of its first
# run and is restarted; its second run prints through the same ring.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<'CFG'
[partition dom0]
cpus = 0
memory = 4M
image = dom0.elf
mode = pv
privileged = yes
time_limit = 150

[partition a]
cpus = 1
memory = 4M
image = pv-console.elf
mode = pv
time_limit = 150

[partition b]
cpus = 2
memory = 4M
image = pv-console.elf
mode = pv
on_crash = restart
script = restart
time_limit = 150
CFG
}

# The number of lines guests/pv-console prints per run, read from its source.
pv_console_lines() {
    sed -nE 's/^#define PV_CONSOLE_LINES[[:space:]]+([0-9]+).*/\1/p' guests/pv-console/main.c
}

check() {
    local lines
    lines=$(pv_console_lines)
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: console backend for 2 pv partition(s)"
    expect_count "^bulkhead: \[dom0\] \[a\] pv-console: run 1 line [0-9]+ of $lines\$" "$lines"
    expect_line "bulkhead: [dom0] [a] pv-console: done"
    expect_count "^bulkhead: \[dom0\] \[b\] pv-console: run 1 line [0-9]+ of $lines\$" "$lines"
    expect_line "bulkhead: error: partition b crashed: restarting it (1 of 3)"
    expect_count "^bulkhead: \[dom0\] \[b\] pv-console: run 2 line [0-9]+ of $lines\$" "$lines"
    expect_order "bulkhead: error: partition b crashed" "bulkhead: [dom0] [b] pv-console: run 2 line 1 of"
    expect_line "bulkhead: [dom0] [b] pv-console: done"
    # Nothing of theirs went the direct way (the hypervisor's own prefix).
    expect_no_prefix "bulkhead: [a] "
    expect_no_prefix "bulkhead: [b] "
    expect_no_prefix "bulkhead: [dom0] [a] FAIL"
    expect_no_prefix "bulkhead: [dom0] [b] FAIL"
    expect_line "bulkhead: partition a: stopped (exit status 0)"
    expect_line "bulkhead: partition b: stopped (exit status 0)"
    expect_count '^bulkhead: \[dom0\] dom0: console rings: [0-9]+ lines printed, 0 bad indices reset$' 1
    expect_partition_passed dom0
    expect_partition_summary 3 3 0
}
