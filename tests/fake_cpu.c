/*
 * The fake CPU of fake_cpu.h. Its host refuses what a real Intel CPU
 * refuses: an RDMSR of an MSR it lacks, any WRMSR of the exit path, an
 * XSETBV that SDM Vol. 1 13.3 forbids, a VMWRITE of a read-only field. The
 * first refusal is noted in fake_cpu.fault.
 */
#include "tests/fake_cpu.h"

#include <string.h>

#include "arch/x86_64/guest_policy.h"

struct fake_cpu fake_cpu;

#define VMX_BASIC_INS_OUTS_INFO (1ull << 54)
#define XCR0_TYPICAL            0x7ull /* x87, SSE, AVX */

static void refuse(const char *why)
{
    if (!fake_cpu.fault)
        fake_cpu.fault = why;
}

void fake_cpu_reset(void)
{
    memset(&fake_cpu, 0, sizeof(fake_cpu));
    fake_cpu.vmx_basic = VMX_BASIC_INS_OUTS_INFO;
    fake_cpu.cr0_fixed0 = CR0_PE | CR0_NE | CR0_PG;
    fake_cpu.cr0_fixed1 = 0xffffffffull;
    fake_cpu.cr4_fixed0 = CR4_VMXE;
    fake_cpu.cr4_fixed1 = 0x3727ffull;
    fake_cpu.xcr0_supported = XCR0_TYPICAL;
    fake_cpu.cpuid_1_ecx = 0xfffa3203u; /* VMX (bit 5) and the hypervisor bit set */
    fake_cpu.xcr0 = 1;
}

/* The type in bits 11:10 of an encoding: 1 is the read-only exit
 * information (SDM Vol. 3C 24.11.2). */
static bool read_only_field(unsigned field)
{
    return ((field >> 10) & 3) == 1;
}

uint64_t vmcs_read(enum vmcs_field field)
{
    if ((unsigned)field >= FAKE_VMCS_FIELDS) {
        refuse("VMREAD of a field encoding past 15 bits");
        return 0;
    }
    return fake_cpu.vmcs[field];
}

void vmcs_write(enum vmcs_field field, uint64_t value)
{
    if ((unsigned)field >= FAKE_VMCS_FIELDS || read_only_field(field)) {
        refuse("VMWRITE of a read-only or unknown field");
        return;
    }
    fake_cpu.vmcs[field] = value;
    fake_cpu.vmcs_writes[field]++;
}

static bool in_range(uint32_t msr, uint32_t first, uint32_t last)
{
    return msr >= first && msr <= last;
}

/* The MTRRs FAKE_MTRRCAP names: 8 variable pairs, the fixed ones. */
static bool has_mtrr(uint32_t msr)
{
    return msr == 0xfe || msr == 0x2ff || in_range(msr, 0x200, 0x20f) || msr == 0x250 ||
           msr == 0x258 || msr == 0x259 || in_range(msr, 0x268, 0x26f);
}

bool fake_cpu_has_msr(uint32_t msr)
{
    static const uint32_t present[] = {
        0x10,  /* TSC */
        0x17,  /* PLATFORM_ID */
        0x1b,  /* APIC_BASE */
        0x3a,  /* FEATURE_CONTROL */
        0x8b,  /* BIOS_SIGN_ID */
        0x1a0, /* MISC_ENABLE */
        0x1d9, /* DEBUGCTL */
        0x277, /* PAT */
        0xc0000080, 0xc0000100, 0xc0000101, 0xc0000102,
    };
    for (unsigned i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
        if (present[i] == msr)
            return true;
    }
    return has_mtrr(msr) || in_range(msr, 0x174, 0x176) || in_range(msr, 0x480, 0x491);
}

static uint64_t vmx_capability(uint32_t msr)
{
    switch (msr) {
    case MSR_IA32_VMX_BASIC:
        return fake_cpu.vmx_basic;
    case MSR_IA32_VMX_CR0_FIXED0:
        return fake_cpu.cr0_fixed0;
    case MSR_IA32_VMX_CR0_FIXED1:
        return fake_cpu.cr0_fixed1;
    case MSR_IA32_VMX_CR4_FIXED0:
        return fake_cpu.cr4_fixed0;
    case MSR_IA32_VMX_CR4_FIXED1:
        return fake_cpu.cr4_fixed1;
    default:
        return 0;
    }
}

static uint64_t host_msr_value(uint32_t msr)
{
    if (msr == MSR_IA32_MTRRCAP)
        return FAKE_MTRRCAP;
    if (in_range(msr, 0x480, 0x491))
        return vmx_capability(msr);
    if (msr == 0x8b)
        return FAKE_MICROCODE_REVISION;
    return 0x5a5a0000ull + msr; /* a host value a test can recognise */
}

uint64_t cpu_read_msr(uint32_t msr)
{
    fake_cpu.msr_reads++;
    fake_cpu.last_msr_read = msr;
    if (!fake_cpu_has_msr(msr)) {
        refuse("RDMSR of an MSR the host lacks");
        return 0;
    }
    return host_msr_value(msr);
}

bool cpu_read_msr_safe(uint32_t msr, uint64_t *value)
{
    fake_cpu.msr_reads++;
    fake_cpu.last_msr_read = msr;
    if (!fake_cpu_has_msr(msr)) {
        fake_cpu.refusals_caught++;
        return false;
    }
    *value = host_msr_value(msr);
    return true;
}

/* Nothing on the exit path writes the real CPU's MSRs for a guest. */
void cpu_write_msr(uint32_t msr, uint64_t value)
{
    (void)msr;
    (void)value;
    fake_cpu.msr_writes++;
    refuse("WRMSR on the host for a guest");
}

struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
    if (leaf == 1)
        return (struct cpuid_regs){0x906ea, 0x00100800, fake_cpu.cpuid_1_ecx, 0xbfebfbff};
    if (leaf == 0xd && subleaf == 0)
        return (struct cpuid_regs){(uint32_t)fake_cpu.xcr0_supported, 0x440, 0x440,
                                   (uint32_t)(fake_cpu.xcr0_supported >> 32)};
    return (struct cpuid_regs){leaf, subleaf, 0, 0};
}

/* SDM Vol. 1 13.3: x87 always; AVX needs SSE; AVX-512's three components
 * come together and need SSE and AVX; MPX's two and AMX's two come in pairs. */
bool fake_cpu_xcr0_valid(uint64_t value)
{
    static const struct {
        uint64_t group, needs;
    } rules[] = {
        {0x4, 0x2},   /* AVX: SSE */
        {0x18, 0},    /* BNDREGS, BNDCSR */
        {0xe0, 0x6},  /* opmask, ZMM_Hi256, Hi16_ZMM: SSE and AVX */
        {0x60000, 0}, /* TILECFG, TILEDATA */
    };

    if (!(value & 1) || (value & ~fake_cpu.xcr0_supported))
        return false;
    for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        uint64_t part = value & rules[i].group;
        bool whole = part == rules[i].group;
        if (part && (!whole || (value & rules[i].needs) != rules[i].needs))
            return false;
    }
    return true;
}

bool cpu_xsetbv_safe(uint32_t index, uint64_t value)
{
    fake_cpu.xsetbvs++;
    if (index != 0 || !fake_cpu_xcr0_valid(value)) {
        fake_cpu.refusals_caught++;
        return false;
    }
    fake_cpu.xcr0 = value;
    return true;
}

void cpu_xsetbv(uint32_t index, uint64_t value)
{
    fake_cpu.xsetbvs++;
    if (index != 0 || !fake_cpu_xcr0_valid(value)) {
        refuse("XSETBV of a value the host refuses");
        return;
    }
    fake_cpu.xcr0 = value;
}

uint64_t cpu_xgetbv(uint32_t index)
{
    return index == 0 ? fake_cpu.xcr0 : 0;
}

void cpu_write_cr2(uint64_t value)
{
    fake_cpu.cr2 = value;
    fake_cpu.cr2_writes++;
}

uint64_t cpu_read_cr2(void)
{
    return fake_cpu.cr2;
}

void cpu_wbinvd(void)
{
    fake_cpu.cache_flushes++;
}

void cpu_invd(void)
{
    refuse("INVD on the host: it drops the hypervisor's dirty cache lines");
}
