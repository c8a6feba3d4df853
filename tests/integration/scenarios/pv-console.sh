# dom0 is the console backend of two pv partitions: each prints through the
# console ring in its own RAM, and dom0 hands every line to the hypervisor
# as the partition's own (HC_CONSOLE_WRITE_FOR): the lines carry the
# partition's "[name]" alone, not dom0's prefix. Partition b crashes after the lines of its first
# run and is restarted; its second run prints through the same ring. A
# third, c, is destroyed by dom0's script once it has stopped: its ring
# page stays with dom0 until dom0 releases it.
EMU=bochs
CPUS=4

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 150' 'script = wait c stopped; destroy c')

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

[partition c]
cpus = 3
memory = 4M
image = pv-console.elf
mode = pv
time_limit = 150
CFG
}

check() {
    local lines relayed
    lines=$(pv_console_lines)
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: console backend for 3 pv partition(s)"
    expect_count "^bulkhead: \[a\] pv-console: run 1 line [0-9]+ of $lines\$" "$lines"
    expect_line "bulkhead: [a] pv-console: done"
    expect_count "^bulkhead: \[b\] pv-console: run 1 line [0-9]+ of $lines\$" "$lines"
    expect_line "bulkhead: error: partition b crashed: restarting it (1 of 3)"
    expect_count "^bulkhead: \[b\] pv-console: run 2 line [0-9]+ of $lines\$" "$lines"
    expect_order "bulkhead: error: partition b crashed" "bulkhead: [b] pv-console: run 2 line 1 of"
    expect_line "bulkhead: [b] pv-console: done"
    # Nothing of theirs went the direct way: dom0 handed on every line they
    # have in the log.
    relayed=$(log_lines | sed -nE 's/^bulkhead: \[dom0\] dom0: console rings: ([0-9]+) lines printed.*/\1/p')
    expect_count "^bulkhead: \[[abc]\] " "${relayed:-none}"
    expect_no_prefix "bulkhead: [a] FAIL"
    expect_no_prefix "bulkhead: [b] FAIL"
    expect_line "bulkhead: partition a: stopped (exit status 0)"
    expect_line "bulkhead: partition b: stopped (exit status 0)"
    expect_line "bulkhead: partition c: stopped (exit status 0)"
    expect_line "bulkhead: [dom0] dom0: destroy c: ok"
    expect_line "bulkhead: partition c: destroyed, 4092 KiB returned, its console page once the backend releases it"
    expect_line "bulkhead: [dom0] dom0: console ring of partition 4 released"
    expect_order "bulkhead: partition c: destroyed" "bulkhead: [dom0] dom0: console ring of partition 4 released"
    expect_count '^bulkhead: \[dom0\] dom0: console rings: [0-9]+ lines printed, 0 bad indices reset$' 1
    expect_partition_passed dom0
    expect_partition_summary 4 4 0 dom0:0,a:0,b:0,c:-
}
