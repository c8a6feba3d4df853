/*
 * Tries control-register and cache operations a partition must not get
 * wrong: CR4.VMXE cannot be set while VMX is hidden (#GP) and reads back 0;
 * CR0 values no CPU accepts (paging without protection, NW without CD,
 * paging off in 64-bit code, bits above 31) raise #GP and leave CR0 as it
 * was, also when the write exits to the hypervisor (CR0.NE flipped);
 * XCR0 refuses x87 off and unsupported state (#GP); INVD and WBINVD run
 * without a fault (the hypervisor must not let INVD drop other partitions'
 * cached writes, but that is invisible from here).
 */
#include "guests/lib/guest.h"

#define XCR0             0
#define XCR0_X87         (1ull << 0)
#define XCR0_SSE         (1ull << 1)
#define CPUID_XSAVE_LEAF 0xd
#define CR0_BIT_32       (1ull << 32)

static void vmxe_stays_clear(void)
{
    printf("hostile-cr: setting CR4.VMXE\n");
    EXPECT_FAULT(VECTOR_GP, cpu_write_cr4(cpu_read_cr4() | CR4_VMXE));
    EXPECT_EQ(cpu_read_cr4() & CR4_VMXE, 0);
}

/* CR0.NE belongs to the hypervisor (VMX forces it on), so a write that
 * changes it exits and the hypervisor, not the CPU, judges the value. */
static void write_cr0_through_exit(uint64_t value)
{
    cpu_write_cr0(value ^ CR0_NE);
}

static void cr0_refuses_bad_values(void)
{
    const volatile uint64_t cr0 = cpu_read_cr0();

    printf("hostile-cr: CR0 is 0x%llx; writing values no CPU accepts\n", (unsigned long long)cr0);
    EXPECT_FAULT(VECTOR_GP, write_cr0_through_exit(cr0 & ~CR0_PE));
    EXPECT_FAULT(VECTOR_GP, write_cr0_through_exit((cr0 & ~CR0_CD) | CR0_NW));
    EXPECT_FAULT(VECTOR_GP, write_cr0_through_exit(cr0 & ~CR0_PG));
    EXPECT_FAULT(VECTOR_GP, write_cr0_through_exit(cr0 | CR0_BIT_32));
    EXPECT_EQ(cpu_read_cr0(), cr0);
}

/* The lowest XCR0 bit this CPU does not support. */
static uint64_t unsupported_xcr0_bit(void)
{
    struct cpuid_regs r = cpu_cpuid(CPUID_XSAVE_LEAF, 0);
    uint64_t supported = ((uint64_t)r.edx << 32) | r.eax;
    uint64_t bit = 1;

    while (bit != 0 && (supported & bit))
        bit <<= 1;
    return bit;
}

/* Locals that live across EXPECT_FAULT are volatile, as with setjmp(). */
static void xcr0_refuses_bad_values(void)
{
    if (!(cpu_cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)) {
        printf("hostile-cr: no XSAVE, so XSETBV must be undefined\n");
        EXPECT_FAULT(VECTOR_UD, cpu_xsetbv(XCR0, XCR0_X87));
        return;
    }
    EXPECT_NO_FAULT(cpu_write_cr4(cpu_read_cr4() | CR4_OSXSAVE));
    const volatile uint64_t xcr0 = cpu_xgetbv(XCR0);
    const volatile uint64_t bad_bit = unsupported_xcr0_bit();
    printf("hostile-cr: XCR0 is 0x%llx; setting it to 0, then with bit 0x%llx\n",
           (unsigned long long)xcr0, (unsigned long long)bad_bit);
    EXPECT_FAULT(VECTOR_GP, cpu_xsetbv(XCR0, 0));
    EXPECT_FAULT(VECTOR_GP, cpu_xsetbv(XCR0, XCR0_X87 | XCR0_SSE | bad_bit));
    EXPECT_EQ(cpu_xgetbv(XCR0), xcr0);
}

static void cache_flushes_run(void)
{
    printf("hostile-cr: INVD and WBINVD\n");
    EXPECT_NO_FAULT(cpu_invd());
    printf("hostile-cr: still running after invd\n");
    EXPECT_NO_FAULT(cpu_wbinvd());
    printf("hostile-cr: still running after wbinvd\n");
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    vmxe_stays_clear();
    cr0_refuses_bad_values();
    xcr0_refuses_bad_values();
    cache_flushes_run();
    printf("hostile-cr: done\n");
    return guest_exit_status();
}
