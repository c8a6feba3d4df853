/*
 * The CPU features a partition sees, in one table that both the CPUID exit
 * and the RDMSR/WRMSR exits read, for full and pv partitions alike. Each
 * row names a feature by its CPUID bits and says what the partition gets:
 * either the feature is hidden (its bits read 0, its MSRs raise #GP, as on
 * a CPU without it), or it is given (its bits as the CPU reports them, its
 * MSRs answered as the row says). Pure functions over the CPU's reports,
 * so that the unit tests can describe any CPU.
 */
#ifndef ARCH_X86_64_FEATURE_POLICY_H
#define ARCH_X86_64_FEATURE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"

enum cpuid_register { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX, CPUID_EVERY_REGISTER };

#define CPUID_ANY_SUBLEAF  0xffffffffu
#define FEATURE_MSR_RANGES 6

enum feature_msr_read {
    FEATURE_READ_REFUSED, /* #GP */
    FEATURE_READ_HOST,    /* the CPU's own value */
    FEATURE_READ_MTRR,    /* the CPU's value, of the MTRRs its IA32_MTRRCAP names */
    FEATURE_READ_VALUE,   /* the row's fixed value */
};

enum feature_msr_write {
    FEATURE_WRITE_REFUSED, /* #GP */
    FEATURE_WRITE_IGNORED, /* accepted, no effect */
};

/* MSRs first .. first + count - 1, answered alike. */
struct feature_msrs {
    uint32_t first, count;
    enum feature_msr_read read;
    enum feature_msr_write write;
    uint64_t value; /* FEATURE_READ_VALUE */
};

struct feature_row {
    const char *name;
    uint32_t leaf, subleaf;
    enum cpuid_register reg;
    uint32_t bits;
    bool given;                                   /* false: hidden */
    struct feature_msrs msrs[FEATURE_MSR_RANGES]; /* count 0 ends the list */
};

/* What the CPU itself reports. */
struct feature_host {
    struct cpuid_regs (*cpuid)(uint32_t leaf, uint32_t subleaf);
    uint64_t mtrrcap;
};

/* The table, for the tests and anyone who lists it. */
const struct feature_row *feature_table(unsigned *count);

/* Clears, in the CPU's answer `r` to CPUID(leaf, subleaf), every hidden
 * feature's bits. */
void feature_policy_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);

/* What a partition's CPUID describes that no CPU reports for it: its
 * topology (vCPU n is core n of one package, one thread per core, x2APIC
 * ID n) and its clocks (leaf 0x15: the TSC as a ratio of a crystal that
 * is the APIC timer's clock; leaf 0x16 in MHz), so that a kernel need not
 * calibrate. */
struct cpuid_partition {
    uint32_t vcpu_index, vcpu_count;
    uint64_t tsc_hz;            /* 0: unknown, leaves 0x15 and 0x16 stay 0 */
    uint32_t highest_host_leaf; /* CPUID.0:EAX of the CPU */
};

#define CPUID_TSC_LEAF       0x15u
#define CPUID_FREQUENCY_LEAF 0x16u

/* Puts the partition's topology and clocks into the answer `r` to
 * CPUID(leaf, subleaf), after feature_policy_cpuid(). The highest basic
 * leaf becomes at least CPUID_FREQUENCY_LEAF; leaves the CPU lacks below
 * it read 0 but for the ones described here. */
void feature_policy_partition_cpuid(uint32_t leaf, uint32_t subleaf,
                                    const struct cpuid_partition *partition, struct cpuid_regs *r);

/* The crystal of leaf 0x15: TSC = crystal * numerator (denominator 1). */
uint32_t feature_crystal_hz(uint64_t tsc_hz, uint32_t *numerator);

enum feature_msr_verdict {
    FEATURE_MSR_UNLISTED, /* no row names the MSR: the MSR exit decides alone */
    FEATURE_MSR_REFUSED,  /* #GP: the feature is hidden, or the CPU lacks it */
    FEATURE_MSR_HOST,     /* read the CPU's MSR */
    FEATURE_MSR_VALUE,    /* read `value` */
    FEATURE_MSR_IGNORED,  /* the write is accepted and dropped */
};

struct feature_msr_answer {
    enum feature_msr_verdict verdict;
    uint64_t value;
};

/* How a guest's RDMSR (write false) or WRMSR (write true) of `msr` is
 * answered, on the CPU `host` describes. */
struct feature_msr_answer feature_policy_msr(uint32_t msr, bool write,
                                             const struct feature_host *host);

#endif
