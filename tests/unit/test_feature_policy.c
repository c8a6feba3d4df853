/* The feature table with the CPU's reports passed in: whatever CPUID shows
 * a partition, the MSRs agree with. */
#include <criterion/criterion.h>

#include "arch/x86_64/feature_policy.h"
#include "arch/x86_64/guest_policy.h"

#define MTRRCAP_8_VARIABLE_FIXED 0x508ull

/* A CPU that reports every feature bit in every leaf up to 0x23 and
 * 0x80000008. */
static struct cpuid_regs every_feature(uint32_t leaf, uint32_t subleaf)
{
    (void)subleaf;
    if (leaf == 0)
        return (struct cpuid_regs){0x23, 0, 0, 0};
    if (leaf == 0x80000000u)
        return (struct cpuid_regs){0x80000008u, 0, 0, 0};
    return (struct cpuid_regs){~0u, ~0u, ~0u, ~0u};
}

/* A CPU that reports no feature at all, its highest leaves included. */
static struct cpuid_regs no_feature(uint32_t leaf, uint32_t subleaf)
{
    (void)subleaf;
    if (leaf == 0)
        return (struct cpuid_regs){0x23, 0, 0, 0};
    if (leaf == 0x80000000u)
        return (struct cpuid_regs){0x80000008u, 0, 0, 0};
    return (struct cpuid_regs){0, 0, 0, 0};
}

/* A CPU whose highest basic leaf is 1: leaf 7 answers with leaf 1's bits. */
static struct cpuid_regs leaf_1_cpu(uint32_t leaf, uint32_t subleaf)
{
    (void)subleaf;
    if (leaf == 0)
        return (struct cpuid_regs){1, 0, 0, 0};
    if (leaf == 0x80000000u)
        return (struct cpuid_regs){0x80000001u, 0, 0, 0};
    return (struct cpuid_regs){~0u, ~0u, ~0u, ~0u};
}

static const struct feature_host rich_cpu = {every_feature, MTRRCAP_8_VARIABLE_FIXED};
static const struct feature_host bare_cpu = {no_feature, 0};
static const struct feature_host old_cpu = {leaf_1_cpu, MTRRCAP_8_VARIABLE_FIXED};

static uint32_t reg_of(struct cpuid_regs r, enum cpuid_register reg)
{
    uint32_t regs[] = {r.eax, r.ebx, r.ecx, r.edx};

    return reg == CPUID_EVERY_REGISTER ? (r.eax | r.ebx | r.ecx | r.edx) : regs[reg];
}

/* What a partition's CPUID shows of the row's feature on `host`. */
static bool shown(const struct feature_row *row, const struct feature_host *host)
{
    uint32_t subleaf = row->subleaf == CPUID_ANY_SUBLEAF ? 0 : row->subleaf;
    struct cpuid_regs r = host->cpuid(row->leaf, subleaf);

    feature_policy_cpuid(row->leaf, subleaf, &r);
    return (reg_of(r, row->reg) & row->bits) != 0;
}

/* Whether a row's MSR, read as a guest would, raises #GP. */
static bool read_refused(uint32_t msr, const struct feature_host *host)
{
    return feature_policy_msr(msr, false, host).verdict == FEATURE_MSR_REFUSED;
}

/* The MTRR row's range holds only the MTRRs the CPU's MTRRCAP names
 * (test_guest_policy.c); the others are no MSR of the feature. */
static bool exists(uint32_t msr, const struct feature_msrs *m, const struct feature_host *host)
{
    return m->read != FEATURE_READ_MTRR || policy_mtrr_readable(msr, host->mtrrcap);
}

static void check_rows_agree(const struct feature_host *host)
{
    unsigned count;
    const struct feature_row *table = feature_table(&count);

    for (const struct feature_row *row = table; row < table + count; row++) {
        for (const struct feature_msrs *m = row->msrs;
             m < row->msrs + FEATURE_MSR_RANGES && m->count; m++) {
            for (uint32_t msr = m->first; msr < m->first + m->count; msr++) {
                if (!exists(msr, m, host))
                    continue;
                cr_assert_eq(shown(row, host), !read_refused(msr, host),
                             "%s: CPUID %s the feature, MSR 0x%x %s", row->name,
                             shown(row, host) ? "shows" : "hides", msr,
                             read_refused(msr, host) ? "faults" : "reads");
            }
        }
    }
}

Test(feature_policy, hidden_exactly_when_its_msrs_fault)
{
    check_rows_agree(&rich_cpu);
    check_rows_agree(&bare_cpu);
    check_rows_agree(&old_cpu);
}

Test(feature_policy, no_given_feature_faults_on_a_cpu_that_has_it)
{
    unsigned count, given = 0;
    const struct feature_row *table = feature_table(&count);

    for (const struct feature_row *row = table; row < table + count; row++) {
        if (!row->given)
            continue;
        given++;
        cr_assert(shown(row, &rich_cpu), "%s is given but hidden", row->name);
        for (const struct feature_msrs *m = row->msrs;
             m < row->msrs + FEATURE_MSR_RANGES && m->count; m++) {
            cr_assert_not(read_refused(m->first, &rich_cpu), "%s: MSR 0x%x", row->name, m->first);
            enum feature_msr_verdict write = feature_policy_msr(m->first, true, &rich_cpu).verdict;
            cr_assert_eq(write == FEATURE_MSR_REFUSED, m->write == FEATURE_WRITE_REFUSED,
                         "%s: a write of MSR 0x%x", row->name, m->first);
        }
    }
    cr_assert_geq(given, 3, "TSC, MTRR and MCA at least");
}

Test(feature_policy, the_speculation_pmu_and_capability_features_are_hidden)
{
    struct cpuid_regs leaf7 = every_feature(7, 0), pmu = every_feature(0xa, 0);
    struct cpuid_regs leaf1 = every_feature(1, 0);

    feature_policy_cpuid(7, 0, &leaf7);
    feature_policy_cpuid(0xa, 0, &pmu);
    feature_policy_cpuid(1, 0, &leaf1);
    cr_assert_eq(leaf7.edx & 0xfc002000u, 0, "IBRS STIBP L1D_FLUSH ARCH_CAP CORE_CAP SSBD TSX_FA");
    cr_assert_eq(pmu.eax | pmu.ebx | pmu.ecx | pmu.edx, 0, "leaf 0xA");
    cr_assert_eq(leaf1.ecx & (1u << 15), 0, "PDCM");
    cr_assert_eq(leaf1.ecx & (1u << 5), 0, "VMX");
    cr_assert(leaf1.edx & (1u << 14), "MCA, with its emulated MSRs");
    cr_assert(leaf7.ebx == ~(1u << 1), "leaf 7 EBX loses TSC_ADJUST only");
    for (uint32_t msr = 0x48; msr <= 0x49; msr++)
        cr_assert(read_refused(msr, &rich_cpu), "SPEC_CTRL and PRED_CMD");
    cr_assert(read_refused(0x10a, &rich_cpu), "ARCH_CAPABILITIES");
    cr_assert(read_refused(0x38f, &rich_cpu), "PERF_GLOBAL_CTRL");
}

Test(feature_policy, mca_has_no_banks_and_accepts_a_status_clear)
{
    struct feature_msr_answer cap = feature_policy_msr(0x179, false, &rich_cpu);

    cr_assert_eq(cap.verdict, FEATURE_MSR_VALUE);
    cr_assert_eq(cap.value, 0, "MCG_CAP: no banks, no MCG_CTL");
    cr_assert_eq(feature_policy_msr(0x17a, true, &rich_cpu).verdict, FEATURE_MSR_IGNORED);
    cr_assert_eq(feature_policy_msr(0x179, true, &rich_cpu).verdict, FEATURE_MSR_REFUSED,
                 "MCG_CAP is read-only");
    cr_assert_eq(feature_policy_msr(0x401, false, &rich_cpu).verdict, FEATURE_MSR_UNLISTED,
                 "bank 0 does not exist: no row gives it, the MSR exit refuses it");
}

Test(feature_policy, the_mtrrs_follow_mtrrcap)
{
    cr_assert_eq(feature_policy_msr(0x20f, false, &rich_cpu).verdict, FEATURE_MSR_HOST);
    cr_assert(read_refused(0x210, &rich_cpu), "one past the 8th pair");
    cr_assert(read_refused(0x2ff, &bare_cpu), "a CPU without MTRRs");
    cr_assert_eq(feature_policy_msr(0x2ff, true, &rich_cpu).verdict, FEATURE_MSR_REFUSED);
}

Test(feature_policy, a_leaf_beyond_the_highest_does_not_count)
{
    cr_assert(read_refused(0x10, &bare_cpu), "no TSC");
    cr_assert_not(read_refused(0x10, &old_cpu));
    cr_assert_eq(feature_policy_msr(0x1a0, false, &rich_cpu).verdict, FEATURE_MSR_UNLISTED,
                 "MISC_ENABLE is no feature's");
}

/* ---- the partition's topology and clocks --------------------------------- */

#define GHZ 1000000000ull

/* What vCPU `index` of `count` sees of `leaf` on a CPU with every feature
 * and basic leaves up to `highest`, its TSC at tsc_hz. */
static struct cpuid_regs partition_leaf(uint32_t leaf, uint32_t subleaf, uint32_t index,
                                        uint32_t count, uint32_t highest, uint64_t tsc_hz)
{
    struct cpuid_partition partition = {index, count, tsc_hz, highest};
    struct cpuid_regs r = every_feature(leaf, subleaf);

    if (leaf == 0)
        r.eax = highest;
    feature_policy_cpuid(leaf, subleaf, &r);
    feature_policy_partition_cpuid(leaf, subleaf, &partition, &r);
    return r;
}

Test(cpuid_partition, monitor_and_mwait_are_hidden)
{
    cr_assert_eq(partition_leaf(1, 0, 0, 1, 0x23, 2 * GHZ).ecx & (1u << 3), 0);
    struct cpuid_regs leaf5 = partition_leaf(5, 0, 0, 1, 0x23, 2 * GHZ);
    cr_assert_eq(leaf5.eax | leaf5.ebx | leaf5.ecx | leaf5.edx, 0);
    cr_assert(read_refused(0x6, &rich_cpu), "IA32_MONITOR_FILTER_SIZE");
}

static void check_leaf_1(uint32_t count, uint32_t addressable)
{
    for (uint32_t i = 0; i < count; i++) {
        struct cpuid_regs r = partition_leaf(1, 0, i, count, 0x23, 2 * GHZ);
        cr_assert_eq(r.ebx >> 24, i, "initial APIC ID = vCPU index");
        cr_assert_eq((r.ebx >> 16) & 0xff, addressable);
        cr_assert_eq(r.ebx & 0xffff, 0xffff, "the CPU's own low half");
        cr_assert(r.ecx & (1u << 21), "x2APIC");
        cr_assert(r.edx & (1u << 28), "HTT: the count is valid");
    }
}

Test(cpuid_partition, leaf_1_numbers_the_vcpus)
{
    check_leaf_1(1, 1);
    check_leaf_1(2, 2);
    check_leaf_1(3, 4);
    check_leaf_1(8, 8);
}

/* A CPU whose leaf 4 lists an L1 data cache and an L3. */
static struct cpuid_regs cache_leaf(uint32_t level, uint32_t count)
{
    struct cpuid_partition partition = {0, count, 2 * GHZ, 0x23};
    struct cpuid_regs r = {level << 5 | 1, 0, 0, 0};

    feature_policy_partition_cpuid(4, level == 1 ? 0 : 3, &partition, &r);
    return r;
}

Test(cpuid_partition, leaf_4_counts_the_cores)
{
    cr_assert_eq(cache_leaf(1, 2).eax >> 26, 1, "two cores");
    cr_assert_eq((cache_leaf(1, 2).eax >> 14) & 0xfff, 0, "an L1 per core");
    cr_assert_eq(cache_leaf(3, 8).eax >> 26, 7, "eight cores");
    cr_assert_eq((cache_leaf(3, 8).eax >> 14) & 0xfff, 7, "one L3 for all");
    cr_assert_eq(cache_leaf(1, 8).eax & 0x3fff, 1u << 5 | 1, "type and level kept");
    struct cpuid_partition partition = {0, 8, 2 * GHZ, 0x23};
    struct cpuid_regs none = {0, 0, 0, 0};
    feature_policy_partition_cpuid(4, 4, &partition, &none);
    cr_assert_eq(none.eax, 0, "no more caches stays no more caches");
}

static void check_topology(uint32_t leaf, uint32_t count, uint32_t shift)
{
    for (uint32_t i = 0; i < count; i++) {
        struct cpuid_regs smt = partition_leaf(leaf, 0, i, count, 0x23, 2 * GHZ);
        struct cpuid_regs core = partition_leaf(leaf, 1, i, count, 0x23, 2 * GHZ);
        struct cpuid_regs end = partition_leaf(leaf, 2, i, count, 0x23, 2 * GHZ);
        cr_assert_eq(smt.eax, 0, "one thread per core");
        cr_assert_eq(smt.ebx, 1);
        cr_assert_eq(smt.ecx, 1u << 8);
        cr_assert_eq(smt.edx, i, "x2APIC ID = vCPU index");
        cr_assert_eq(core.eax, shift);
        cr_assert_eq(core.ebx, count);
        cr_assert_eq(core.ecx, 2u << 8 | 1);
        cr_assert_eq(core.edx, i);
        cr_assert_eq(end.ebx, 0, "no third level");
        cr_assert_eq(end.ecx, 2);
        cr_assert_eq(end.edx, i);
    }
}

Test(cpuid_partition, leaves_b_and_1f_describe_one_package)
{
    check_topology(0xb, 1, 0);
    check_topology(0xb, 2, 1);
    check_topology(0xb, 8, 3);
    check_topology(0x1f, 2, 1);
    check_topology(0x1f, 5, 3);
}

Test(cpuid_partition, leaf_1f_beyond_the_highest_is_left_alone)
{
    struct cpuid_regs r = partition_leaf(0x1f, 0, 1, 2, 0x16, 2 * GHZ);

    cr_assert_eq(r.edx, ~0u, "the CPU's answer: guests do not read past the highest leaf");
}

Test(cpuid_partition, leaf_15_gives_the_tsc_rate)
{
    struct cpuid_regs r = partition_leaf(0x15, 0, 0, 1, 0x23, 2400000000ull);

    cr_assert_eq(r.eax, 1);
    cr_assert_eq(r.ebx, 1);
    cr_assert_eq(r.ecx, 2400000000u, "the crystal is the TSC (and the APIC timer) clock");
    cr_assert_eq(r.edx, 0);
}

Test(cpuid_partition, a_tsc_above_4_ghz_gets_a_ratio)
{
    struct cpuid_regs r = partition_leaf(0x15, 0, 0, 1, 0x23, 5 * GHZ);

    cr_assert_eq(r.eax, 1);
    cr_assert_eq(r.ebx, 2);
    cr_assert_eq((uint64_t)r.ecx * r.ebx / r.eax, 5 * GHZ);
}

Test(cpuid_partition, leaf_16_agrees_with_leaf_15)
{
    struct cpuid_regs r = partition_leaf(0x16, 0, 0, 1, 0x23, 2400000000ull);

    cr_assert_eq(r.eax, 2400, "base MHz");
    cr_assert_eq(r.ebx, 2400, "maximum MHz");
    cr_assert_eq(r.ecx, 2400, "reference (crystal) MHz");
}

Test(cpuid_partition, unknown_tsc_rate_leaves_the_clock_leaves_empty)
{
    struct cpuid_regs r = partition_leaf(0x15, 0, 0, 1, 0x23, 0);

    cr_assert_eq(r.eax | r.ebx | r.ecx | r.edx, 0, "a kernel then calibrates");
}

Test(cpuid_partition, the_highest_leaf_reaches_the_clock_leaves)
{
    cr_assert_eq(partition_leaf(0, 0, 0, 1, 0xd, 2 * GHZ).eax, 0x16);
    cr_assert_eq(partition_leaf(0, 0, 0, 1, 0x23, 2 * GHZ).eax, 0x23, "never lowered");
    struct cpuid_regs lacking = partition_leaf(0x14, 0, 0, 1, 0xd, 2 * GHZ);
    cr_assert_eq(lacking.eax | lacking.ebx | lacking.ecx | lacking.edx, 0,
                 "a leaf the CPU lacks reads 0, not the highest leaf's bits");
    cr_assert_eq(partition_leaf(0xb, 1, 1, 2, 0xa, 2 * GHZ).ebx, 2, "described all the same");
    cr_assert_eq(partition_leaf(0x15, 0, 0, 1, 0xd, 2 * GHZ).ecx, 2 * GHZ);
}
