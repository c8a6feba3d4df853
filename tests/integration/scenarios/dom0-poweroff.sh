# dom0 powers the machine off while a partition still spins (it has no time
# limit: only the power-off ends it). Before that, dom0's list and stats show
# the exit status each partition recorded, and `log` prints lines the
# hypervisor logged earlier in the boot, read back from its log ring.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120' 'script = wait legacy stopped; list; stats legacy; log; poweroff')

[partition legacy]
cpus = 1
memory = 1M
image = legacy.bin

[partition spin]
cpus = 2
memory = 4M
image = hostile-spin.elf
CFG
}

check() {
    local tsc_line
    tsc_line=$(first_match "$TSC_RE")

    expect_exit 0
    expect_line "bulkhead: [dom0] dom0: legacy is stopped"
    expect_count '^bulkhead: \[dom0\] dom0: partition 1 dom0 running, 1 cpu\(s\), 4 MiB, [0-9]+ exits, no exit status$' 1
    expect_count '^bulkhead: \[dom0\] dom0: partition 2 legacy stopped, 1 cpu\(s\), 1 MiB, [0-9]+ exits, exit status 0$' 1
    expect_count '^bulkhead: \[dom0\] dom0: partition 3 spin running, 1 cpu\(s\), 4 MiB, [0-9]+ exits, no exit status$' 1
    expect_count '^bulkhead: \[dom0\] dom0: stats legacy: exits [0-9]+ .* interrupt [0-9]+, exit status 0$' 1
    # The log ring: a line from early in the boot, one from a partition's
    # end, and dom0's own echo of the command, each exactly as first printed.
    [ -n "$tsc_line" ] || fail "no tsc line in the log"
    expect_line "bulkhead: [dom0] dom0: log: $tsc_line"
    expect_line "bulkhead: [dom0] dom0: log: bulkhead: partition legacy: stopped (exit status 0)"
    expect_line "bulkhead: [dom0] dom0: log: bulkhead: [dom0] dom0> log"
    expect_no_prefix "bulkhead: [dom0] dom0: log: HC_"
    # The power-off: every partition stopped, then the summary, then off.
    expect_line "bulkhead: [dom0] dom0> poweroff"
    expect_line "bulkhead: partition dom0: power-off requested: stopping every partition"
    expect_line "bulkhead: partition spin: stopped by dom0"
    expect_line "bulkhead: partition dom0: stopped by dom0"
    expect_no_prefix "bulkhead: [dom0] dom0: poweroff:"
    expect_order "bulkhead: partition spin: stopped by dom0" "bulkhead: summary "
    # spin was spinning when the power-off came, and nothing failed on the way.
    expect_order "bulkhead: [spin] hostile-spin: interrupts off, spinning forever" \
        "bulkhead: partition dom0: power-off requested: stopping every partition"
    expect_no_prefix "bulkhead: error: "
    expect_partition_summary 3 3 0 "dom0:-,legacy:0,spin:-"
}
