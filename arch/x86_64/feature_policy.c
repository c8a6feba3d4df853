#include "arch/x86_64/feature_policy.h"

#include "arch/x86_64/guest_policy.h"

#define BIT(n)        (1u << (n))
#define ALL_BITS      0xffffffffu
#define CPUID_EXT_PMU 0x23u

/* A row, and the MSR ranges in it; a range of count 0 ends the list. */
#define ROW(given, name, leaf, subleaf, reg, bits, ...)                                            \
    {                                                                                              \
        (name), (leaf), (subleaf), (reg), (bits), (given),                                         \
        {                                                                                          \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }
#define HIDDEN(...) ROW(false, __VA_ARGS__)
#define GIVEN(...)  ROW(true, __VA_ARGS__)
#define MSRS(first, count, read, write, value)                                                     \
    {                                                                                              \
        (first), (count), (read), (write), (value)                                                 \
    }
#define REFUSED(first, count) MSRS(first, count, FEATURE_READ_REFUSED, FEATURE_WRITE_REFUSED, 0)
#define NO_MSRS               REFUSED(0, 0)
#define ANY                   CPUID_ANY_SUBLEAF

/*
 * Hidden: what the hypervisor does not virtualize, so that a guest never
 * finds a feature whose MSRs then fault. The speculation controls would
 * need IA32_SPEC_CTRL kept per vCPU; the PMU's counters would count the
 * hypervisor and the next partition; the thermal and power MSRs belong to
 * the whole package. Given: what works the same for every partition.
 */
static const struct feature_row table[] = {
    HIDDEN("VMX", 1, ANY, CPUID_ECX, BIT(5), REFUSED(0x480, 0x12)),
    HIDDEN("DS area (DTES64, DS-CPL)", 1, ANY, CPUID_ECX, BIT(2) | BIT(4), NO_MSRS),
    HIDDEN("EST", 1, ANY, CPUID_ECX, BIT(7), REFUSED(0x198, 2)),
    HIDDEN("TM2", 1, ANY, CPUID_ECX, BIT(8), NO_MSRS),
    HIDDEN("PDCM", 1, ANY, CPUID_ECX, BIT(15), REFUSED(0x345, 1)),
    /* MONITOR and MWAIT exit and do nothing: an idle guest that used them
     * would spin on its CPU instead of halting. */
    HIDDEN("MONITOR/MWAIT", 1, ANY, CPUID_ECX, BIT(3), REFUSED(0x6, 1)),
    GIVEN("TSC", 1, ANY, CPUID_EDX, BIT(4),
          MSRS(0x10, 1, FEATURE_READ_HOST, FEATURE_WRITE_IGNORED, 0)),
    /* A full partition's vCPUs have MTRRs of their own (vplatform/vmtrr.h),
     * which its device table answers before this row. */
    GIVEN("MTRR", 1, ANY, CPUID_EDX, BIT(12),
          MSRS(0xfe, 1, FEATURE_READ_HOST, FEATURE_WRITE_REFUSED, 0),
          MSRS(0x200, 0x100, FEATURE_READ_MTRR, FEATURE_WRITE_REFUSED, 0)),
    /* MCG_CAP 0: no banks, no MCG_CTL */
    GIVEN("MCA", 1, ANY, CPUID_EDX, BIT(14),
          MSRS(0x179, 1, FEATURE_READ_VALUE, FEATURE_WRITE_REFUSED, 0),
          MSRS(0x17a, 1, FEATURE_READ_VALUE, FEATURE_WRITE_IGNORED, 0)),
    HIDDEN("DS", 1, ANY, CPUID_EDX, BIT(21), REFUSED(0x600, 1)),
    HIDDEN("ACPI thermal control", 1, ANY, CPUID_EDX, BIT(22), REFUSED(0x19a, 1)),
    HIDDEN("TM", 1, ANY, CPUID_EDX, BIT(29), REFUSED(0x19b, 2)),
    HIDDEN("MONITOR/MWAIT leaf", 5, ANY, CPUID_EVERY_REGISTER, ALL_BITS, NO_MSRS),
    HIDDEN("thermal and power (DTS, PTM, HWP, HDC)", 6, ANY, CPUID_EAX, 0x000fbfc1u,
           REFUSED(0x1b1, 2), REFUSED(0x770, 8), REFUSED(0xdb0, 3)),
    HIDDEN("APERF/MPERF", 6, ANY, CPUID_ECX, BIT(0), REFUSED(0xe7, 2)),
    HIDDEN("ENERGY_PERF_BIAS", 6, ANY, CPUID_ECX, BIT(3), REFUSED(0x1b0, 1)),
    /* The TSC a partition sees is offset; its adjust MSR would be the CPU's. */
    HIDDEN("TSC_ADJUST", 7, 0, CPUID_EBX, BIT(1), REFUSED(0x3b, 1)),
    HIDDEN("TSX_FORCE_ABORT", 7, 0, CPUID_EDX, BIT(13), REFUSED(0x10f, 1)),
    HIDDEN("IBRS and IBPB", 7, 0, CPUID_EDX, BIT(26), REFUSED(0x48, 2)),
    HIDDEN("STIBP, SSBD (bits of IA32_SPEC_CTRL)", 7, 0, CPUID_EDX, BIT(27) | BIT(31), NO_MSRS),
    HIDDEN("L1D_FLUSH", 7, 0, CPUID_EDX, BIT(28), REFUSED(0x10b, 1)),
    HIDDEN("ARCH_CAPABILITIES", 7, 0, CPUID_EDX, BIT(29), REFUSED(0x10a, 1)),
    HIDDEN("CORE_CAPABILITIES", 7, 0, CPUID_EDX, BIT(30), REFUSED(0xcf, 1)),
    HIDDEN("IA32_SPEC_CTRL controls (leaf 7.2)", 7, 2, CPUID_EDX, ALL_BITS, NO_MSRS),
    HIDDEN("architectural PMU", 0xa, ANY, CPUID_EVERY_REGISTER, ALL_BITS, REFUSED(0xc1, 8),
           REFUSED(0x186, 8), REFUSED(0x309, 4), REFUSED(0x38d, 4), REFUSED(0x3f1, 1),
           REFUSED(0x4c1, 8)),
    HIDDEN("extended PMU leaf", CPUID_EXT_PMU, ANY, CPUID_EVERY_REGISTER, ALL_BITS, NO_MSRS),
    HIDDEN("XSAVES", 0xd, 1, CPUID_EAX, BIT(3), REFUSED(0xda0, 1)),
    HIDDEN("XFD", 0xd, 1, CPUID_EAX, BIT(4), REFUSED(0x1c4, 2)),
    HIDDEN("IA32_XSS components", 0xd, 1, CPUID_ECX, ALL_BITS, NO_MSRS),
    HIDDEN("IA32_XSS components (high)", 0xd, 1, CPUID_EDX, ALL_BITS, NO_MSRS),
    HIDDEN("speculation controls (leaf 0x80000008)", 0x80000008u, ANY, CPUID_EBX,
           BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(18) | BIT(19) | BIT(24) | BIT(25) |
               BIT(28),
           REFUSED(0xc001011fu, 1)),
};

#define TABLE_ROWS (sizeof(table) / sizeof(table[0]))

const struct feature_row *feature_table(unsigned *count)
{
    *count = TABLE_ROWS;
    return table;
}

static bool row_matches(const struct feature_row *row, uint32_t leaf, uint32_t subleaf)
{
    return row->leaf == leaf && (row->subleaf == CPUID_ANY_SUBLEAF || row->subleaf == subleaf);
}

static void clear_bits(struct cpuid_regs *r, enum cpuid_register reg, uint32_t bits)
{
    uint32_t *regs[] = {&r->eax, &r->ebx, &r->ecx, &r->edx};

    for (unsigned i = 0; i < 4; i++) {
        if (reg == CPUID_EVERY_REGISTER || reg == (enum cpuid_register)i)
            *regs[i] &= ~bits;
    }
}

/* Whether any row names the leaf. The CPUID exit is on the fast path and
 * most leaves have no row: their answer skips the walk. The list is made
 * from the table on first use; every CPU makes the same one. */
static bool leaf_has_rows(uint32_t leaf)
{
    static uint32_t leaves[TABLE_ROWS];
    static unsigned leaf_count;
    unsigned count = __atomic_load_n(&leaf_count, __ATOMIC_ACQUIRE);

    if (!count) {
        for (unsigned i = 0; i < TABLE_ROWS; i++) {
            if (!count || leaves[count - 1] != table[i].leaf)
                leaves[count++] = table[i].leaf;
        }
        __atomic_store_n(&leaf_count, count, __ATOMIC_RELEASE);
    }
    for (unsigned i = 0; i < count; i++) {
        if (leaves[i] == leaf)
            return true;
    }
    return false;
}

void feature_policy_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
    if (!leaf_has_rows(leaf))
        return;
    for (unsigned i = 0; i < TABLE_ROWS; i++) {
        if (!table[i].given && row_matches(&table[i], leaf, subleaf))
            clear_bits(r, table[i].reg, table[i].bits);
    }
}

/* Whether the CPU reports the row's feature; a leaf above the CPU's
 * highest answers with another leaf's bits, which do not count. */
static bool host_has(const struct feature_row *row, const struct feature_host *host)
{
    uint32_t highest = host->cpuid(row->leaf & 0x80000000u, 0).eax;
    uint32_t subleaf = row->subleaf == CPUID_ANY_SUBLEAF ? 0 : row->subleaf;

    if (row->leaf > highest)
        return false;
    struct cpuid_regs r = host->cpuid(row->leaf, subleaf);
    struct cpuid_regs shown = r;
    clear_bits(&shown, row->reg, row->bits);
    return shown.eax != r.eax || shown.ebx != r.ebx || shown.ecx != r.ecx || shown.edx != r.edx;
}

static const struct feature_msrs *find_msr(uint32_t msr, const struct feature_row **row)
{
    for (unsigned i = 0; i < TABLE_ROWS; i++) {
        for (const struct feature_msrs *m = table[i].msrs;
             m < table[i].msrs + FEATURE_MSR_RANGES && m->count; m++) {
            if (msr >= m->first && msr - m->first < m->count) {
                *row = &table[i];
                return m;
            }
        }
    }
    return 0;
}

static struct feature_msr_answer answer_read(uint32_t msr, const struct feature_msrs *m,
                                             const struct feature_host *host)
{
    switch (m->read) {
    case FEATURE_READ_HOST:
        return (struct feature_msr_answer){FEATURE_MSR_HOST, 0};
    case FEATURE_READ_MTRR:
        if (policy_mtrr_readable(msr, host->mtrrcap))
            return (struct feature_msr_answer){FEATURE_MSR_HOST, 0};
        return (struct feature_msr_answer){FEATURE_MSR_REFUSED, 0};
    case FEATURE_READ_VALUE:
        return (struct feature_msr_answer){FEATURE_MSR_VALUE, m->value};
    default:
        return (struct feature_msr_answer){FEATURE_MSR_REFUSED, 0};
    }
}

struct feature_msr_answer feature_policy_msr(uint32_t msr, bool write,
                                             const struct feature_host *host)
{
    const struct feature_row *row = 0;
    const struct feature_msrs *m = find_msr(msr, &row);

    if (!m)
        return (struct feature_msr_answer){FEATURE_MSR_UNLISTED, 0};
    if (!row->given || !host_has(row, host))
        return (struct feature_msr_answer){FEATURE_MSR_REFUSED, 0};
    if (write && m->write == FEATURE_WRITE_IGNORED)
        return (struct feature_msr_answer){FEATURE_MSR_IGNORED, 0};
    if (write)
        return (struct feature_msr_answer){FEATURE_MSR_REFUSED, 0};
    return answer_read(msr, m, host);
}

/* ---- the partition's topology and clocks ---------------------------------- */

#define CPUID_1_EBX_APIC_ID_SHIFT 24
#define CPUID_1_EBX_COUNT_SHIFT   16
#define CPUID_1_ECX_X2APIC        BIT(21)
#define CPUID_1_EDX_HTT           BIT(28)
#define CPUID_CACHE_LEAF          4u
#define CPUID_CACHE_TYPE          0x1fu
#define CPUID_CACHE_LEVEL(eax)    (((eax) >> 5) & 7u)
#define CPUID_CACHE_SHARING_SHIFT 14
#define CPUID_CACHE_CORES_SHIFT   26
#define CPUID_TOPOLOGY_LEAF       0xbu
#define CPUID_V2_TOPOLOGY_LEAF    0x1fu
#define TOPOLOGY_LEVEL_SMT        1u
#define TOPOLOGY_LEVEL_CORE       2u
#define HZ_PER_MHZ                1000000u

/* The bits an x2APIC ID gives the core number: IDs 0 .. count - 1. */
static uint32_t core_id_bits(uint32_t count)
{
    uint32_t bits = 0;

    while (bits < 31 && (1u << bits) < count)
        bits++;
    return bits;
}

static uint32_t smaller_of(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Leaf 1: the initial APIC ID, and the package's addressable IDs. */
static void describe_leaf_1(const struct cpuid_partition *p, struct cpuid_regs *r)
{
    uint32_t ids = smaller_of(1u << core_id_bits(p->vcpu_count), 0xff);

    r->ebx = (r->ebx & 0xffffu) | smaller_of(p->vcpu_index, 0xff) << CPUID_1_EBX_APIC_ID_SHIFT |
             ids << CPUID_1_EBX_COUNT_SHIFT;
    r->ecx |= CPUID_1_ECX_X2APIC;
    r->edx |= CPUID_1_EDX_HTT;
}

/* Leaf 4: the package's cores, and who shares each cache (the last level
 * every core, the others one core each). */
static void describe_caches(const struct cpuid_partition *p, struct cpuid_regs *r)
{
    uint32_t ids = 1u << core_id_bits(p->vcpu_count);
    uint32_t sharing = CPUID_CACHE_LEVEL(r->eax) >= 3 ? smaller_of(ids, 0x1000) - 1 : 0;

    if (!(r->eax & CPUID_CACHE_TYPE))
        return;
    r->eax = (r->eax & 0x3fffu) | sharing << CPUID_CACHE_SHARING_SHIFT |
             (smaller_of(ids, 64) - 1) << CPUID_CACHE_CORES_SHIFT;
}

/* Leaves 0xB and 0x1F: a thread level of one, a core level of them all. */
static void describe_topology(uint32_t subleaf, const struct cpuid_partition *p,
                              struct cpuid_regs *r)
{
    r->edx = p->vcpu_index;
    if (subleaf == 0) {
        r->eax = 0;
        r->ebx = 1;
        r->ecx = TOPOLOGY_LEVEL_SMT << 8;
    } else if (subleaf == 1) {
        r->eax = core_id_bits(p->vcpu_count);
        r->ebx = p->vcpu_count;
        r->ecx = TOPOLOGY_LEVEL_CORE << 8 | 1;
    } else {
        r->eax = r->ebx = 0;
        r->ecx = subleaf & 0xff;
    }
}

uint32_t feature_crystal_hz(uint64_t tsc_hz, uint32_t *numerator)
{
    uint64_t ratio = tsc_hz / 0xffffffffu + 1;

    *numerator = (uint32_t)ratio;
    return (uint32_t)(tsc_hz / ratio);
}

/* Leaf 0x15 (denominator, numerator, crystal Hz) and leaf 0x16 (base and
 * maximum MHz, reference MHz) from the TSC rate. */
static void describe_clocks(uint32_t leaf, const struct cpuid_partition *p, struct cpuid_regs *r)
{
    uint32_t numerator = 0;
    uint32_t crystal = p->tsc_hz ? feature_crystal_hz(p->tsc_hz, &numerator) : 0;
    uint32_t mhz = (uint32_t)smaller_of((uint32_t)(p->tsc_hz / HZ_PER_MHZ), 0xffff);

    if (leaf == CPUID_TSC_LEAF)
        *r = (struct cpuid_regs){crystal ? 1 : 0, numerator, crystal, 0};
    else
        *r = (struct cpuid_regs){mhz, mhz, smaller_of(crystal / HZ_PER_MHZ, 0xffff), 0};
}

static bool basic_leaf(uint32_t leaf)
{
    return leaf < 0x80000000u;
}

void feature_policy_partition_cpuid(uint32_t leaf, uint32_t subleaf,
                                    const struct cpuid_partition *partition, struct cpuid_regs *r)
{
    bool lacking = basic_leaf(leaf) && leaf > partition->highest_host_leaf;

    if (lacking && leaf <= CPUID_FREQUENCY_LEAF)
        *r = (struct cpuid_regs){0, 0, 0, 0}; /* not the highest leaf's bits, as the CPU answers */
    if (leaf == 0 && r->eax < CPUID_FREQUENCY_LEAF)
        r->eax = CPUID_FREQUENCY_LEAF;
    else if (leaf == 1)
        describe_leaf_1(partition, r);
    else if (leaf == CPUID_CACHE_LEAF)
        describe_caches(partition, r);
    else if (leaf == CPUID_TOPOLOGY_LEAF || (leaf == CPUID_V2_TOPOLOGY_LEAF && !lacking))
        describe_topology(subleaf, partition, r);
    else if (leaf == CPUID_TSC_LEAF || leaf == CPUID_FREQUENCY_LEAF)
        describe_clocks(leaf, partition, r);
}
