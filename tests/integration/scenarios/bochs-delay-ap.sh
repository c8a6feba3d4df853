# The machine goes on with the CPUs that came up: cpu2 is held back past its
# time-out (delay_ap = 2), so the partition that needs it is refused by name
# while the one on cpu1 runs to its end; the late CPU parks and is named once.
EMU=bochs
CPUS=3
TIMEOUT=400

prepare() {
    config_with_partitions 1 <<'CFG'
[partition late]
cpus = 2
memory = 4M
image = healthy.elf
CFG
    sed -i 's/^crash_test = none$/crash_test = none\ndelay_ap = 2/' "$CONFIG"
}

check() {
    expect_exit 0
    expect_count '^bulkhead: error: cpu2 \(apic 2\) did not start$' 1
    expect_line "bulkhead: smp: cpu2 (apic 2) came after its start was given up and parked"
    expect_line "bulkhead: error: partition late is refused: it needs cpu2, which did not start"
    expect_count '^bulkhead: error: ' 2
    expect_healthy_partition healthy
    expect_no_prefix "bulkhead: [late]"
    expect_count '^bulkhead: cpu2[ :]' 0
    expect_line "bulkhead: summary cpus=2 vmx=2 guests=2 ok=2 failed=0 partitions=1 running=0 stopped=1 crashed=0 status=healthy:0"
    expect_prefix "bulkhead: powering off"
}
