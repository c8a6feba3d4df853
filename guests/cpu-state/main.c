/*
 * What a vCPU sees of its CPU: the CPUID leaves of its mode (the hypervisor
 * leaves and the hypervisor bit only in pv mode; in both modes no VMX, no
 * speculation controls, no PMU, whose MSRs fault alike) and extended
 * register state that survives every exit, starting from its initial
 * values.
 */
#include "guests/lib/guest.h"

#define CPUID_1_ECX_VMX        (1u << 5)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_HYPERVISOR_LEAF  0x40000000u
#define SIGNATURE_EBX          0x6b6c7542u /* "BulkheadHV\0\0" */
#define SIGNATURE_ECX          0x64616568u
#define SIGNATURE_EDX          0x00005648u
#define CPUID_7_EDX_SPEC_CTRL  0xac000000u /* IBRS/IBPB, STIBP, ARCH_CAPABILITIES, SSBD */
#define CPUID_PMU_LEAF         0xa
#define MSR_IA32_SPEC_CTRL     0x48
#define PATTERN                0x0123456789abcdefull
#define EXITS_BETWEEN          100

static void check_cpuid(bool pv)
{
    struct cpuid_regs leaf1 = cpu_cpuid(1, 0);
    struct cpuid_regs hv = cpu_cpuid(CPUID_HYPERVISOR_LEAF, 0);

    EXPECT_EQ(leaf1.ecx & CPUID_1_ECX_VMX, 0);
    if (pv) {
        EXPECT_TRUE(leaf1.ecx & CPUID_1_ECX_HYPERVISOR);
        EXPECT_EQ(hv.ebx, SIGNATURE_EBX);
        EXPECT_EQ(hv.ecx, SIGNATURE_ECX);
        EXPECT_EQ(hv.edx, SIGNATURE_EDX);
    } else {
        EXPECT_EQ(leaf1.ecx & CPUID_1_ECX_HYPERVISOR, 0);
        EXPECT_EQ(hv.ebx | hv.ecx | hv.edx, 0);
    }
}

/* The feature table is the same for both modes: a hidden feature's MSR
 * faults in either. */
static void check_hidden_features(void)
{
    struct cpuid_regs pmu = cpu_cpuid(CPUID_PMU_LEAF, 0);

    EXPECT_EQ(cpu_cpuid(7, 0).edx & CPUID_7_EDX_SPEC_CTRL, 0);
    EXPECT_EQ(pmu.eax | pmu.ebx | pmu.ecx | pmu.edx, 0);
    EXPECT_FAULT(VECTOR_GP, cpu_read_msr(MSR_IA32_SPEC_CTRL));
}

/* The SSE registers start cleared and keep what the guest put in them
 * across exits (CPUID and port writes below). */
static void check_sse_state(void)
{
    uint64_t before = cpu_read_xmm0();

    EXPECT_EQ(before, 0);
    cpu_write_xmm0(PATTERN);
    for (unsigned i = 0; i < EXITS_BETWEEN; i++) {
        cpu_cpuid(0, 0);
        cpu_outb(0x80, (uint8_t)i);
    }
    EXPECT_EQ(cpu_read_xmm0(), PATTERN);
}

extern char __guest_end[]; /* guest.ld: the end of the loaded image */

/* The hypervisor zeroes a partition's RAM before loading it: nothing above
 * the image may hold anything of a previous occupant. */
static uint64_t count_nonzero_words(uint64_t start, uint64_t end)
{
    uint64_t nonzero = 0;

    for (const volatile uint64_t *word = (const uint64_t *)start; (uint64_t)word < end; word++)
        nonzero += *word != 0;
    return nonzero;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    bool pv = info->mode == GUEST_MODE_PV;

    printf("cpu-state: partition %s (id %u), %llu MiB, %u vCPU(s), %s mode\n", info->partition_name,
           info->partition_id, (unsigned long long)(info->memory_bytes >> 20), info->cpu_count,
           pv ? "pv" : "full");
    EXPECT_EQ(count_nonzero_words((uint64_t)__guest_end, info->memory_bytes), 0);
    check_cpuid(pv);
    check_hidden_features();
    check_sse_state();
    return guest_exit_status();
}
