# The entry states and CPU views partitions get: a flat legacy image starts
# in 16-bit real mode and switches itself to protected mode; the same ELF64
# image in a full and in a pv partition sees CPUID without VMX, the
# speculation controls or the PMU (SPEC_CTRL raising #GP in both modes), the
# hypervisor leaves and bit only in pv mode, and clean SSE state that
# survives its exits.
EMU=bochs
CPUS=3

prepare() {
    config_with_partitions <<'CFG'
[partition legacy]
cpus = 0
memory = 1M
image = legacy.bin

[partition full]
cpus = 1
memory = 4M
image = cpu-state.elf
mode = full

[partition pv]
cpus = 2
memory = 4M
image = cpu-state.elf
mode = pv
CFG
}

check() {
    expect_exit 0
    expect_line "bulkhead: [legacy] legacy: real mode"
    expect_line "bulkhead: [legacy] legacy: 32-bit protected mode"
    expect_line "bulkhead: partition legacy: stopped (exit status 0)"
    expect_prefix_with "bulkhead: partition legacy:" "real-mode image legacy.bin"
    expect_line "bulkhead: [full] cpu-state: partition full (id 2), 4 MiB, 1 vCPU(s), full mode"
    expect_line "bulkhead: [full] PASS leaf1.ecx & CPUID_1_ECX_HYPERVISOR == 0"
    expect_line "bulkhead: [full] PASS hv.ebx | hv.ecx | hv.edx == 0"
    expect_partition_passed full
    expect_line "bulkhead: [pv] cpu-state: partition pv (id 3), 4 MiB, 1 vCPU(s), pv mode"
    expect_line "bulkhead: [pv] PASS hv.ebx == SIGNATURE_EBX"
    local who
    for who in full pv; do
        expect_line "bulkhead: [$who] PASS leaf1.ecx & CPUID_1_ECX_VMX == 0"
        expect_line "bulkhead: [$who] PASS cpu_cpuid(7, 0).edx & CPUID_7_EDX_SPEC_CTRL == 0"
        expect_line "bulkhead: [$who] PASS pmu.eax | pmu.ebx | pmu.ecx | pmu.edx == 0"
        expect_line "bulkhead: [$who] PASS cpu_read_msr(MSR_IA32_SPEC_CTRL) raises #GP"
        expect_line "bulkhead: [$who] PASS before == 0"
        expect_line "bulkhead: [$who] PASS count_nonzero_words((uint64_t)__guest_end, info->memory_bytes) == 0"
        expect_line "bulkhead: [$who] PASS cpu_read_xmm0() == PATTERN"
    done
    expect_partition_passed pv
    expect_partition_summary 3 3 0 "legacy:0,full:0,pv:0"
}
