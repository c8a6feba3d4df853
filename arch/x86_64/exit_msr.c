/*
 * RDMSR and WRMSR of the MSRs the bitmap does not pass through. What is
 * safe is emulated; what could reach past the partition (VMX, SMRR, MTRR
 * and microcode updates, debug controls that trace the host) raises #GP,
 * as an MSR the CPU lacks would. The MSRs of a CPU feature follow the
 * feature table, which CPUID follows too (feature_policy.h).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exits.h"
#include "arch/x86_64/feature_policy.h"
#include "arch/x86_64/guest_policy.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/crash_test.h"
#include "hv/log.h"
#include "hv/partition.h"

#define MSR_IA32_PLATFORM_ID  0x17
#define MSR_IA32_MISC_ENABLE  0x1a0
#define MSR_IA32_DEBUGCTL     0x1d9
#define MSR_IA32_BIOS_SIGN_ID 0x8b /* the microcode revision */

static struct cpuid_regs host_cpuid(uint32_t leaf, uint32_t subleaf)
{
    return cpu_cpuid(leaf, subleaf);
}

/* The CPU's reports for the feature table; its MTRRCAP does not change,
 * so it is read once. */
static const struct feature_host *this_host(void)
{
    static struct feature_host host = {.cpuid = host_cpuid};
    static bool known;

    if (!known) {
        if (!cpu_read_msr_safe(MSR_IA32_MTRRCAP, &host.mtrrcap))
            host.mtrrcap = 0; /* no MTRRs: none is readable */
        known = true;
    }
    return &host;
}

/* The revision of the microcode that runs the guest's instructions, which
 * a kernel weighs its errata against (in bits 63:32 after a CPUID, as the
 * CPU reports it); 0 where the CPU gives none. Read once: every CPU of a
 * machine runs the same. */
static uint64_t microcode_revision(void)
{
    static uint64_t revision;
    static bool known;

    if (!known) {
        (void)cpu_cpuid(1, 0);
        if (!cpu_read_msr_safe(MSR_IA32_BIOS_SIGN_ID, &revision))
            revision = 0;
        revision &= 0xffffffff00000000ull;
        known = true;
    }
    return revision;
}

/* crash_test = exit-faults: the first of these MSRs the CPU refuses (an
 * x2APIC register outside x2APIC mode, then registers x2APIC lacks). */
static uint32_t msr_the_cpu_refuses(void)
{
    static const uint32_t candidates[] = {0x802, 0x809, 0x831, 0x80a};
    static int64_t found = -1;
    uint64_t value;

    if (found >= 0)
        return (uint32_t)found;
    found = 0;
    for (unsigned i = 0; !found && i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        if (!cpu_read_msr_safe(candidates[i], &value))
            found = candidates[i];
    }
    if (found)
        log_line("crash test: guarded MSR reads go to MSR 0x%x, which this CPU refuses",
                 (unsigned)found);
    else
        log_error("crash test: this CPU refuses none of the MSRs tried");
    return (uint32_t)found;
}

/* An MSR passed through to the hardware may still be refused by it: the
 * guest then gets the #GP the CPU gave, never the hypervisor. */
static bool read_hardware_msr(uint32_t msr, uint64_t *value)
{
    if (crash_test_armed(CONFIG_CRASH_TEST_EXIT_FAULTS))
        msr = msr_the_cpu_refuses();
    return cpu_read_msr_safe(msr, value);
}

/* The MSRs of a CPU feature, answered by the table that also filters
 * CPUID (feature_policy.h), so that a hidden feature's MSR raises #GP and
 * a given one's works; DEVICE_NO_MODEL for an MSR no row names. */
static enum device_result feature_msr(uint32_t msr, bool write, uint64_t *value)
{
    struct feature_msr_answer answer = feature_policy_msr(msr, write, this_host());

    switch (answer.verdict) {
    case FEATURE_MSR_UNLISTED:
        return DEVICE_NO_MODEL;
    case FEATURE_MSR_REFUSED:
        return DEVICE_REFUSED;
    case FEATURE_MSR_HOST:
        return read_hardware_msr(msr, value) ? DEVICE_DONE : DEVICE_REFUSED;
    case FEATURE_MSR_VALUE:
        *value = answer.value;
        return DEVICE_DONE;
    default:
        return DEVICE_DONE; /* a write the feature ignores */
    }
}

/* Mode changes as the SDM allows them; moving the APIC is refused. */
static bool write_apic_base(struct vcpu *vcpu, uint64_t value)
{
    return vapic_write_apic_base(&vcpu->arch.apic, &vcpu->arch.apic_base, value);
}

/* The MSRs of a partition's device models (its x2APIC), as its device
 * table routes them; DEVICE_NO_MODEL for every other MSR and for the probe
 * guest, which has no devices. */
static enum device_result model_msr(struct vcpu *vcpu, uint32_t msr, bool write, uint64_t *value)
{
    if (!vcpu->partition)
        return DEVICE_NO_MODEL;
    return partition_msr_access(vcpu, msr, write, value);
}

/* Returns false when the MSR is not readable by guests. */
static bool read_msr(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
    enum device_result model = model_msr(vcpu, msr, false, value);

    if (model == DEVICE_NO_MODEL)
        model = feature_msr(msr, false, value);
    if (model != DEVICE_NO_MODEL)
        return model == DEVICE_DONE;
    switch (msr) {
    case MSR_IA32_FEATURE_CONTROL:
        *value = FEATURE_CONTROL_LOCKED; /* locked, VMX off: consistent with CPUID */
        return true;
    case MSR_IA32_APIC_BASE:
        *value = vcpu->arch.apic_base;
        return true;
    case MSR_IA32_DEBUGCTL:
        *value = 0;
        return true;
    case MSR_IA32_BIOS_SIGN_ID: /* no update is ever loaded from a partition */
        *value = microcode_revision();
        return true;
    case MSR_IA32_MISC_ENABLE:
        return read_hardware_msr(msr, value);
    case MSR_IA32_PLATFORM_ID: /* which microcode fits: 0 where the CPU does not say */
        if (!read_hardware_msr(msr, value))
            *value = 0;
        return true;
    default:
        return false;
    }
}

/* Returns false when the write is refused. */
static bool write_msr(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
    enum device_result model = model_msr(vcpu, msr, true, &value);

    if (model == DEVICE_NO_MODEL)
        model = feature_msr(msr, true, &value);
    if (model != DEVICE_NO_MODEL)
        return model == DEVICE_DONE;
    switch (msr) {
    case MSR_IA32_APIC_BASE:
        return write_apic_base(vcpu, value);
    case MSR_IA32_DEBUGCTL:
        return value == 0;
    case MSR_IA32_BIOS_SIGN_ID: /* cleared before CPUID to read the revision */
        return true;
    default:
        return false;
    }
}

int exit_handle_rdmsr(struct vcpu *vcpu)
{
    uint64_t value;

    if (!read_msr(vcpu, (uint32_t)vcpu->arch.regs.rcx, &value)) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return 1;
    }
    vcpu->arch.regs.rax = (uint32_t)value;
    vcpu->arch.regs.rdx = value >> 32;
    exit_skip_instruction();
    return 1;
}

int exit_handle_wrmsr(struct vcpu *vcpu)
{
    uint64_t value = (vcpu->arch.regs.rdx << 32) | (uint32_t)vcpu->arch.regs.rax;

    if (!write_msr(vcpu, (uint32_t)vcpu->arch.regs.rcx, value)) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return 1;
    }
    exit_skip_instruction();
    return 1;
}
