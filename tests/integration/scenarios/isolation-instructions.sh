# Partitions that try VMX instructions, dangerous MSRs (feature control, VMX,
# APIC base, SMRR, an MTRR memory type no CPU has, microcode, reserved EFER
# bits, the MSRs of features CPUID hides; their own MTRRs read back) and control-register
# tricks (CR4.VMXE, CR0 values no CPU accepts, bad XCR0, INVD) get the fault bare metal would give
# (#UD or #GP) or a harmless emulation, and go on; a healthy partition
# beside them runs to the end.
EMU=bochs
CPUS=4

prepare() {
    config_with_partitions 0 <<'CFG'
[partition vmx]
cpus = 1
memory = 4M
image = hostile-vmx.elf

[partition msr]
cpus = 2
memory = 4M
image = hostile-msr.elf

[partition cr]
cpus = 3
memory = 4M
image = hostile-cr.elf
CFG
}

check() {
    expect_exit 0
    expect_healthy_partition healthy
    expect_line "bulkhead: [vmx] PASS vmx_on(region) raises #UD"
    expect_line "bulkhead: [vmx] PASS vmx_read_safe(VMCS_GUEST_RIP, &value) raises #UD"
    expect_line "bulkhead: [vmx] PASS vmx_invept(INVEPT_ALL_CONTEXTS, 0) raises #UD"
    expect_partition_passed vmx
    local msr
    for msr in FEATURE_CONTROL VMX_BASIC APIC_BASE SMRR_PHYSBASE MTRR_DEF_TYPE BIOS_UPDT_TRIG; do
        expect_prefix_with "bulkhead: [msr] PASS cpu_write_msr(MSR_IA32_$msr," "raises #GP"
    done
    expect_line "bulkhead: [msr] hostile-msr: IA32_MTRR_DEF_TYPE reads 0xc06"
    expect_line "bulkhead: [msr] PASS cpu_write_msr(MSR_IA32_MTRR_DEF_TYPE, MTRR_DEF_TYPE_UNCACHED) does not fault"
    expect_line "bulkhead: [msr] PASS cpu_read_msr(MSR_IA32_MTRR_DEF_TYPE) == MTRR_DEF_TYPE_UNCACHED"
    expect_line "bulkhead: [msr] PASS cpu_write_msr(MSR_IA32_EFER, efer | EFER_RESERVED_BIT) raises #GP"
    expect_line "bulkhead: [msr] PASS cpu_write_msr(MSR_IA32_EFER, efer ^ EFER_NXE) does not fault"
    expect_line "bulkhead: [msr] PASS leaf7.edx & (CPUID_7_EDX_IBRS_IBPB | CPUID_7_EDX_ARCH_CAPABILITIES) == 0"
    for msr in SPEC_CTRL ARCH_CAPABILITIES PERF_GLOBAL_CTRL; do
        expect_line "bulkhead: [msr] PASS cpu_read_msr(MSR_IA32_$msr) raises #GP"
    done
    expect_line "bulkhead: [msr] PASS pmu.eax | pmu.ebx | pmu.ecx | pmu.edx == 0"
    expect_line "bulkhead: [msr] hostile-msr: CPUID shows MCA"
    expect_line "bulkhead: [msr] PASS cap = cpu_read_msr(MSR_IA32_MCG_CAP) does not fault"
    expect_line "bulkhead: [msr] PASS cap == 0"
    expect_partition_passed msr
    expect_line "bulkhead: [cr] PASS cpu_write_cr4(cpu_read_cr4() | CR4_VMXE) raises #GP"
    expect_line "bulkhead: [cr] PASS cpu_read_cr4() & CR4_VMXE == 0"
    expect_line "bulkhead: [cr] PASS write_cr0_through_exit(cr0 & ~CR0_PE) raises #GP"
    expect_line "bulkhead: [cr] PASS write_cr0_through_exit((cr0 & ~CR0_CD) | CR0_NW) raises #GP"
    expect_line "bulkhead: [cr] PASS write_cr0_through_exit(cr0 & ~CR0_PG) raises #GP"
    expect_line "bulkhead: [cr] PASS write_cr0_through_exit(cr0 | CR0_BIT_32) raises #GP"
    expect_line "bulkhead: [cr] PASS cpu_read_cr0() == cr0"
    expect_line "bulkhead: [cr] PASS cpu_xsetbv(XCR0, 0) raises #GP"
    expect_line "bulkhead: [cr] hostile-cr: still running after invd"
    expect_partition_passed cr
    expect_partition_summary 4 4 0 "healthy:0,vmx:0,msr:0,cr:0"
}
