/*
 * Runs under crash_test = exit-faults, where the hypervisor's own work for
 * this partition faults on purpose. A read of IA32_MISC_ENABLE, which the
 * hypervisor passes to the hardware, must come back as #GP; a CPUID of the crash
 * test's leaf makes the exit handler itself fault, which must stop this
 * partition and nothing else. Nothing after that CPUID may print.
 */
#include "guests/lib/guest.h"

#define MSR_IA32_MISC_ENABLE  0x1a0
#define CRASH_TEST_CPUID_LEAF 0x4b7f0000u /* hv/crash_test.h */

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    printf("exit-fault: reading an MSR the hypervisor reads for it\n");
    EXPECT_FAULT(VECTOR_GP, cpu_read_msr(MSR_IA32_MISC_ENABLE));
    printf("exit-fault: asking for CPUID leaf 0x%x\n", CRASH_TEST_CPUID_LEAF);
    cpu_cpuid(CRASH_TEST_CPUID_LEAF, 0);
    printf("exit-fault: still running after the exit handler faulted\n");
    return 1;
}
