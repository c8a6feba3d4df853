# A partition with two vCPUs uses its virtual x2APIC as an operating system
# would: INIT-SIPI-SIPI starts its second vCPU, IPIs reach it, IPIs aimed
# outside the partition vanish, a self-IPI storm stays inside, and HLT
# sleeps until the APIC timer fires; a healthy partition beside it runs on.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions 0 <<'CFG'
[partition smp]
cpus = 1-2
memory = 4M
image = smp.elf
time_limit = 60
CFG
}

check() {
    expect_exit 0
    expect_healthy_partition healthy
    expect_line "bulkhead: [smp] ap: vcpu1 runs in real mode"
    expect_line "bulkhead: [smp] PASS wait_until(AP_ALIVE, 1)"
    expect_count '^bulkhead: \[smp\] PASS wait_until\(AP_IPI_COUNT, n\)$' \
        "$(sed -nE 's/^#define IPIS_TO_AP[[:space:]]+([0-9]+).*/\1/p' guests/smp/main.c)"
    expect_count '^bulkhead: \[smp\] PASS send_ipi\(OUTSIDE_APIC_ID, .*\) does not fault$' 2
    expect_line "bulkhead: [smp] PASS wait_until(&self_ipis, SELF_IPI_STORM)"
    expect_line "bulkhead: [smp] PASS timer_ticks >= TIMER_TICKS"
    expect_line "bulkhead: [smp] smp: done"
    expect_partition_passed smp
    expect_partition_summary 2 2 0 "healthy:0,smp:0"
}
