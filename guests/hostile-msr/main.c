/*
 * Writes MSRs that would let a partition turn on VMX, move the APIC, hide
 * memory from the host (SMRR) or load microcode. The hypervisor must refuse
 * each with #GP. The MTRRs are the partition's own: one with a memory type
 * no CPU has raises #GP, a valid one reads back and changes no memory type
 * of the hypervisor's (the partition runs on). It may hide
 * IA32_FEATURE_CONTROL (#GP) or show it with VMX disabled. EFER must behave
 * as on bare metal: a reserved bit raises #GP, NXE can be toggled. The
 * MSRs of features CPUID hides (speculation controls, ARCH_CAPABILITIES,
 * the PMU) raise #GP when read; machine-check architecture, where CPUID
 * shows it, reads as a CPU without banks.
 */
#include "guests/lib/guest.h"

#define FEATURE_CONTROL_LOCK            (1ull << 0)
#define FEATURE_CONTROL_VMX_IN_SMX      (1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)
#define FEATURE_CONTROL_VMX             (FEATURE_CONTROL_VMX_IN_SMX | FEATURE_CONTROL_VMX_OUTSIDE_SMX)
#define APIC_BASE_ELSEWHERE             0xfed00800ull /* another base, APIC enabled */
#define SMRR_BASE_0_WRITE_BACK          0x6ull
#define MTRR_DEF_TYPE_UNCACHED          0x0ull   /* MTRRs off: all memory uncached */
#define MTRR_DEF_TYPE_RESERVED_TYPE     0xc02ull /* type 2 is reserved */
#define MICROCODE_UPDATE_ADDRESS        0x200000ull
#define EFER_RESERVED_BIT               (1ull << 63)
#define CPUID_1_EDX_MCA                 (1u << 14)
#define CPUID_7_EDX_IBRS_IBPB           (1u << 26)
#define CPUID_7_EDX_ARCH_CAPABILITIES   (1u << 29)
#define CPUID_PMU_LEAF                  0xa
#define MSR_IA32_SPEC_CTRL              0x48
#define MSR_IA32_ARCH_CAPABILITIES      0x10a
#define MSR_IA32_PERF_GLOBAL_CTRL       0x38f
#define MSR_IA32_MCG_CAP                0x179

static void refused_writes(void)
{
    printf("hostile-msr: writing MSRs a partition must not change\n");
    EXPECT_FAULT(VECTOR_GP, cpu_write_msr(MSR_IA32_FEATURE_CONTROL,
                                          FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX));
    EXPECT_FAULT(VECTOR_GP, cpu_write_msr(MSR_IA32_VMX_BASIC, 0));
    EXPECT_FAULT(VECTOR_GP, cpu_write_msr(MSR_IA32_APIC_BASE, APIC_BASE_ELSEWHERE));
    EXPECT_FAULT(VECTOR_GP, cpu_write_msr(MSR_IA32_SMRR_PHYSBASE, SMRR_BASE_0_WRITE_BACK));
    EXPECT_FAULT(VECTOR_GP, cpu_write_msr(MSR_IA32_MTRR_DEF_TYPE, MTRR_DEF_TYPE_RESERVED_TYPE));
    EXPECT_FAULT(VECTOR_GP, cpu_write_msr(MSR_IA32_BIOS_UPDT_TRIG, MICROCODE_UPDATE_ADDRESS));
}

static void mtrrs_are_the_partitions(void)
{
    uint64_t firmware = cpu_read_msr(MSR_IA32_MTRR_DEF_TYPE);

    printf("hostile-msr: IA32_MTRR_DEF_TYPE reads 0x%llx\n", (unsigned long long)firmware);
    EXPECT_NO_FAULT(cpu_write_msr(MSR_IA32_MTRR_DEF_TYPE, MTRR_DEF_TYPE_UNCACHED));
    EXPECT_EQ(cpu_read_msr(MSR_IA32_MTRR_DEF_TYPE), MTRR_DEF_TYPE_UNCACHED);
    cpu_write_msr(MSR_IA32_MTRR_DEF_TYPE, firmware);
}

static void feature_control_hides_vmx(void)
{
    volatile uint64_t value = 0; /* assigned inside CATCH_FAULT, as with setjmp() */

    CATCH_FAULT(value = cpu_read_msr(MSR_IA32_FEATURE_CONTROL));
    if (fault_catcher.caught) {
        printf("hostile-msr: rdmsr IA32_FEATURE_CONTROL raised %s\n",
               exception_name(fault_catcher.vector));
        EXPECT_EQ(fault_catcher.vector, VECTOR_GP);
        return;
    }
    printf("hostile-msr: IA32_FEATURE_CONTROL reads 0x%llx\n", (unsigned long long)value);
    EXPECT_EQ(value & FEATURE_CONTROL_VMX, 0);
}

static void efer_behaves(void)
{
    uint64_t efer = cpu_read_msr(MSR_IA32_EFER);

    printf("hostile-msr: EFER reads 0x%llx\n", (unsigned long long)efer);
    EXPECT_FAULT(VECTOR_GP, cpu_write_msr(MSR_IA32_EFER, efer | EFER_RESERVED_BIT));
    EXPECT_NO_FAULT(cpu_write_msr(MSR_IA32_EFER, efer ^ EFER_NXE));
    uint64_t toggled = cpu_read_msr(MSR_IA32_EFER);
    EXPECT_NO_FAULT(cpu_write_msr(MSR_IA32_EFER, efer));
    uint64_t restored = cpu_read_msr(MSR_IA32_EFER);
    printf("hostile-msr: EFER with NXE toggled reads 0x%llx, restored 0x%llx\n",
           (unsigned long long)toggled, (unsigned long long)restored);
    EXPECT_EQ(toggled, efer ^ EFER_NXE);
    EXPECT_EQ(restored, efer);
}

/* Each feature is hidden in CPUID and its MSR faults, never one without
 * the other. */
static void hidden_features_fault(void)
{
    struct cpuid_regs leaf7 = cpu_cpuid(7, 0);
    struct cpuid_regs pmu = cpu_cpuid(CPUID_PMU_LEAF, 0);

    printf("hostile-msr: reading the MSRs of features CPUID hides\n");
    EXPECT_EQ(leaf7.edx & (CPUID_7_EDX_IBRS_IBPB | CPUID_7_EDX_ARCH_CAPABILITIES), 0);
    EXPECT_FAULT(VECTOR_GP, cpu_read_msr(MSR_IA32_SPEC_CTRL));
    EXPECT_FAULT(VECTOR_GP, cpu_read_msr(MSR_IA32_ARCH_CAPABILITIES));
    EXPECT_EQ(pmu.eax | pmu.ebx | pmu.ecx | pmu.edx, 0);
    EXPECT_FAULT(VECTOR_GP, cpu_read_msr(MSR_IA32_PERF_GLOBAL_CTRL));
}

static void machine_check_architecture_agrees(void)
{
    if (!(cpu_cpuid(1, 0).edx & CPUID_1_EDX_MCA)) {
        printf("hostile-msr: CPUID hides MCA\n");
        EXPECT_FAULT(VECTOR_GP, cpu_read_msr(MSR_IA32_MCG_CAP));
        return;
    }
    printf("hostile-msr: CPUID shows MCA\n");
    volatile uint64_t cap = ~0ull; /* assigned inside EXPECT_NO_FAULT, as with setjmp() */
    EXPECT_NO_FAULT(cap = cpu_read_msr(MSR_IA32_MCG_CAP));
    EXPECT_EQ(cap, 0);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    refused_writes();
    mtrrs_are_the_partitions();
    feature_control_hides_vmx();
    efer_behaves();
    hidden_features_fault();
    machine_check_architecture_agrees();
    printf("hostile-msr: done\n");
    return guest_exit_status();
}
