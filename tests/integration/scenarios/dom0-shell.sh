# dom0's management commands, driven by its boot script: list the
# partitions, show one's exit counters, stop, start, restart and destroy a
# neighbour, with an unknown command refused; each command's output is
# checked. The neighbour spins until it is stopped, so no run of it records
# an exit status, and the summary shows none for it.
EMU=bochs
CPUS=2

prepare() {
    config_with_partitions <<CFG
$(dom0_partition 'time_limit = 120' 'script = list; stats spin; stop spin; wait spin stopped; start spin; wait spin running; restart spin; destroy spin; wait spin destroyed; stop nobody; frobnicate; list')

[partition spin]
cpus = 1
memory = 4M
image = hostile-spin.elf
time_limit = 120
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [dom0] dom0> list"
    expect_count '^bulkhead: \[dom0\] dom0: partition 1 dom0 running, 1 cpu\(s\), 4 MiB, [0-9]+ exits, no exit status$' 2
    expect_count '^bulkhead: \[dom0\] dom0: partition 2 spin running, 1 cpu\(s\), 4 MiB, [0-9]+ exits, no exit status$' 1
    expect_count '^bulkhead: \[dom0\] dom0: stats spin: exits [0-9]+ .*, no exit status$' 1
    expect_line "bulkhead: [dom0] dom0: stop spin: ok"
    expect_line "bulkhead: partition spin: stopped by dom0"
    expect_line "bulkhead: [dom0] dom0: spin is stopped"
    expect_line "bulkhead: [dom0] dom0: start spin: ok"
    expect_line "bulkhead: [dom0] dom0: spin is running"
    expect_line "bulkhead: [dom0] dom0: restart spin: ok"
    expect_line "bulkhead: [dom0] dom0: destroy spin: ok"
    expect_line "bulkhead: partition spin: destroyed, 4 MiB returned"
    expect_line "bulkhead: [dom0] dom0: spin is destroyed"
    expect_line "bulkhead: [dom0] dom0: no partition nobody"
    expect_line "bulkhead: [dom0] dom0: unknown command 'frobnicate'"
    expect_count '^bulkhead: \[dom0\] dom0: partition [0-9]+ ' 3
    expect_partition_passed dom0
    expect_partition_summary 2 2 0 "dom0:0,spin:-"
}
