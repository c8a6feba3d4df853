#include "arch/x86_64/fpu.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"

#define CPUID_XSAVE_LEAF 0xd
#define XCR0_X87         1ull
#define FCW_AT_RESET     0x037f
#define MXCSR_AT_RESET   0x1f80

/*
 * A legacy area with the reset control words and an XSAVE header that marks
 * every component as in its initial state, so XRSTOR initializes them all
 * (SDM Vol. 1 13.8.1). FXRSTOR reads the same first 512 bytes.
 */
static struct {
    uint16_t fcw;
    uint8_t rest_of_x87[22];
    uint32_t mxcsr;
    uint8_t rest_of_legacy[484];
    uint64_t xstate_bv, xcomp_bv;
    uint8_t header_rest[48];
} __attribute__((aligned(64))) initial_state = {
    .fcw = FCW_AT_RESET,
    .mxcsr = MXCSR_AT_RESET,
};

_Static_assert(sizeof(initial_state) == 576, "legacy area plus XSAVE header");

static bool cpu_has_xsave(void)
{
    return cpu_cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE;
}

void fpu_init_cpu(void)
{
    cpu_write_cr4(cpu_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    cpu_write_cr0(cpu_read_cr0() & ~(CR0_TS | CR0_EM));
}

void fpu_reset_guest_state(void)
{
    if (!cpu_has_xsave()) {
        cpu_fxrstor(&initial_state);
        return;
    }
    struct cpuid_regs leaf = cpu_cpuid(CPUID_XSAVE_LEAF, 0);
    uint64_t supported = ((uint64_t)leaf.edx << 32) | leaf.eax;

    cpu_xsetbv(0, supported);
    cpu_xrstor(&initial_state, supported);
    cpu_xsetbv(0, XCR0_X87);
}
