/*
 * The CPU part of the survey. Only the boot CPU can be asked (CPUID and
 * MSRs run where the stub runs); the other CPUs are known by their APIC IDs,
 * which the topology leaf's shift widths split into package, core and SMT
 * thread.
 */
#include "arch/x86_64/cpu.h"
#include "boot/mp_services.h"
#include "boot/survey.h"

#include <efilib.h>

#define CPUID_1_ECX_VMX        (1u << 5)
#define CPUID_1_ECX_X2APIC     (1u << 21)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_7_EDX_HYBRID     (1u << 15)
#define CPUID_HYBRID_LEAF      0x1a
#define CPUID_TOPOLOGY_LEAF    0xb
#define CPUID_TOPOLOGY_V2_LEAF 0x1f
#define TOPOLOGY_LEVEL_SMT     1
#define CORE_TYPE_ATOM         0x20
#define CORE_TYPE_CORE         0x40

#define VMX_BASIC_TRUE_CONTROLS (1ull << 55)
#define SECONDARY_EPT           (1u << 1)
#define SECONDARY_VPID          (1u << 5)
#define SECONDARY_UNRESTRICTED  (1u << 7)
#define APIC_BASE_X2APIC_ON     (1ull << 10)
#define AP_ANSWER_MICROSECONDS  1000000

/* What each CPU says of itself when the firmware runs the question on it. */
struct cpu_answer {
    uint32_t apic_id;
    uint8_t core_type; /* CPUID 0x1a EAX[31:24]; 0 on a CPU that is not hybrid */
};

static EFI_GUID mp_services_guid = EFI_MP_SERVICES_PROTOCOL_GUID;
static struct cpu_answer answers[SURVEY_MAX_CPUS];
static uint32_t answer_count;

static const char *yes_no(bool value)
{
    return value ? "yes" : "no";
}

static void describe_model(struct format_text *out)
{
    struct cpuid_regs r = cpu_cpuid(0, 0);
    uint32_t vendor[4] = {r.ebx, r.edx, r.ecx, 0};
    uint32_t brand[13] = {0};
    struct cpuid_regs one = cpu_cpuid(1, 0);

    if (cpu_cpuid(0x80000000, 0).eax >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            struct cpuid_regs b = cpu_cpuid(0x80000002 + i, 0);
            brand[i * 4] = b.eax, brand[i * 4 + 1] = b.ebx;
            brand[i * 4 + 2] = b.ecx, brand[i * 4 + 3] = b.edx;
        }
    }
    format_append(out, "vendor: %s, family %u model %u stepping %u\nbrand: %s\n",
                  (const char *)vendor, ((one.eax >> 8) & 0xf) + ((one.eax >> 20) & 0xff),
                  ((one.eax >> 4) & 0xf) | ((one.eax >> 12) & 0xf0), one.eax & 0xf,
                  (const char *)brand);
    format_append(out, "running under a hypervisor: %s\n",
                  yes_no(one.ecx & CPUID_1_ECX_HYPERVISOR));
}

static void describe_feature_control(struct survey *s)
{
    uint64_t value = cpu_read_msr(MSR_IA32_FEATURE_CONTROL);
    bool locked = value & FEATURE_CONTROL_LOCKED;
    bool enabled = value & FEATURE_CONTROL_VMX_OUTSIDE_SMX;

    /* Unlocked, Bulkhead sets and locks it itself; locked off needs the firmware setup. */
    s->feature_control_ok = enabled || !locked;
    format_append(&s->text, "IA32_FEATURE_CONTROL: 0x%llx (locked %s, VMX outside SMX %s): %s\n",
                  (unsigned long long)value, yes_no(locked), yes_no(enabled),
                  enabled ? "VT-x is on"
                  : locked
                      ? "VT-x is OFF in the firmware setup: turn on Intel Virtualization Technology"
                      : "unlocked: Bulkhead turns VT-x on itself");
}

/* A control MSR: allowed-0 settings in the low half, allowed-1 in the high. */
static uint32_t describe_controls(struct format_text *out, const char *name, uint32_t msr)
{
    uint64_t value = cpu_read_msr(msr);

    format_append(out, "%s 0x%016llx (must be 1: 0x%08x, may be 1: 0x%08x)\n", name,
                  (unsigned long long)value, (uint32_t)value, (uint32_t)(value >> 32));
    return (uint32_t)(value >> 32);
}

static void describe_vmx_controls(struct survey *s)
{
    struct format_text *out = &s->text;
    uint64_t basic = cpu_read_msr(MSR_IA32_VMX_BASIC);
    bool true_controls = basic & VMX_BASIC_TRUE_CONTROLS;
    uint32_t secondary = 0, primary;

    format_append(out, "IA32_VMX_BASIC: 0x%016llx (revision 0x%x, true controls %s)\n",
                  (unsigned long long)basic, (uint32_t)basic & 0x7fffffff, yes_no(true_controls));
    describe_controls(out,
                      true_controls ? "IA32_VMX_TRUE_PINBASED_CTLS:" : "IA32_VMX_PINBASED_CTLS:",
                      true_controls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
    primary = describe_controls(
        out, true_controls ? "IA32_VMX_TRUE_PROCBASED_CTLS:" : "IA32_VMX_PROCBASED_CTLS:",
        true_controls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
    describe_controls(out, true_controls ? "IA32_VMX_TRUE_EXIT_CTLS:" : "IA32_VMX_EXIT_CTLS:",
                      true_controls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
    describe_controls(out, true_controls ? "IA32_VMX_TRUE_ENTRY_CTLS:" : "IA32_VMX_ENTRY_CTLS:",
                      true_controls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
    if (primary & (1u << 31))
        secondary =
            describe_controls(out, "IA32_VMX_PROCBASED_CTLS2:", MSR_IA32_VMX_PROCBASED_CTLS2);
    s->ept = secondary & SECONDARY_EPT;
    s->vpid = secondary & SECONDARY_VPID;
    s->unrestricted_guest = secondary & SECONDARY_UNRESTRICTED;
    if (s->ept || s->vpid)
        format_append(out, "IA32_VMX_EPT_VPID_CAP: 0x%016llx\n",
                      (unsigned long long)cpu_read_msr(MSR_IA32_VMX_EPT_VPID_CAP));
}

static void describe_vmx(struct survey *s)
{
    struct cpuid_regs one = cpu_cpuid(1, 0);

    s->vmx = one.ecx & CPUID_1_ECX_VMX;
    s->x2apic = one.ecx & CPUID_1_ECX_X2APIC;
    format_append(&s->text, "\n[vt-x]\nVMX in CPUID: %s\n", yes_no(s->vmx));
    /* Without VMX in CPUID the VMX MSRs do not exist: reading one faults. */
    if (s->vmx) {
        describe_feature_control(s);
        describe_vmx_controls(s);
    }
    format_append(&s->text, "EPT: %s, VPID: %s, unrestricted guest: %s\n", yes_no(s->ept),
                  yes_no(s->vpid), yes_no(s->unrestricted_guest));
    format_append(&s->text, "x2APIC: %s (on now: %s)\n", yes_no(s->x2apic),
                  yes_no(cpu_read_msr(MSR_IA32_APIC_BASE) & APIC_BASE_X2APIC_ON));
}

/* The SMT and package shift widths of the APIC ID, from leaf 0x1f or 0xb;
 * false when the CPU has neither. */
static bool topology_shifts(uint32_t *smt_shift, uint32_t *package_shift)
{
    uint32_t max = cpu_cpuid(0, 0).eax;
    uint32_t leaf = max >= CPUID_TOPOLOGY_V2_LEAF && cpu_cpuid(CPUID_TOPOLOGY_V2_LEAF, 0).ebx
                        ? CPUID_TOPOLOGY_V2_LEAF
                        : CPUID_TOPOLOGY_LEAF;

    if (max < leaf || !(cpu_cpuid(leaf, 0).ebx & 0xffff))
        return false;
    *smt_shift = 0;
    for (uint32_t level = 0; level < 8; level++) {
        struct cpuid_regs r = cpu_cpuid(leaf, level);
        uint32_t type = (r.ecx >> 8) & 0xff;
        if (type == 0)
            break;
        if (type == TOPOLOGY_LEVEL_SMT)
            *smt_shift = r.eax & 0x1f;
        *package_shift = r.eax & 0x1f;
    }
    return true;
}

static uint32_t this_cpu_apic_id(void)
{
    if (cpu_cpuid(0, 0).eax >= CPUID_TOPOLOGY_LEAF &&
        (cpu_cpuid(CPUID_TOPOLOGY_LEAF, 0).ebx & 0xffff))
        return cpu_cpuid(CPUID_TOPOLOGY_LEAF, 0).edx;
    return cpu_cpuid(1, 0).ebx >> 24;
}

static uint8_t this_cpu_core_type(void)
{
    if (cpu_cpuid(0, 0).eax < CPUID_HYBRID_LEAF || !(cpu_cpuid(7, 0).edx & CPUID_7_EDX_HYBRID))
        return 0;
    return (uint8_t)(cpu_cpuid(CPUID_HYBRID_LEAF, 0).eax >> 24);
}

/* Runs on every CPU at once: CPUID only, no firmware call. */
static VOID EFIAPI answer_on_this_cpu(VOID *unused)
{
    uint32_t slot = __atomic_fetch_add(&answer_count, 1, __ATOMIC_RELAXED);

    (void)unused;
    if (slot < SURVEY_MAX_CPUS) {
        answers[slot].apic_id = this_cpu_apic_id();
        answers[slot].core_type = this_cpu_core_type();
    }
}

/* The boot CPU answers itself; the others through MP Services, when the
 * firmware has it. Returns how many CPUs answered. */
static unsigned ask_every_cpu(void)
{
    EFI_MP_SERVICES_PROTOCOL *mp;

    answer_count = 0;
    answer_on_this_cpu(NULL);
    if (!EFI_ERROR(BS->LocateProtocol(&mp_services_guid, NULL, (void **)&mp)))
        mp->StartupAllAPs(mp, answer_on_this_cpu, FALSE, NULL, AP_ANSWER_MICROSECONDS, NULL, NULL);
    return answer_count < SURVEY_MAX_CPUS ? answer_count : SURVEY_MAX_CPUS;
}

static const char *core_type_name(uint8_t type)
{
    switch (type) {
    case 0:
        return "";
    case CORE_TYPE_CORE:
        return " P-core";
    case CORE_TYPE_ATOM:
        return " E-core";
    default:
        return " core of an unknown type";
    }
}

/* The type the CPU with this APIC ID gave; 0 when it did not answer. */
static uint8_t core_type_of(uint32_t apic_id, unsigned answered)
{
    for (unsigned i = 0; i < answered; i++) {
        if (answers[i].apic_id == apic_id)
            return answers[i].core_type;
    }
    return 0;
}

static void place_cpus(struct survey *s, const struct boot_info *info, uint32_t smt, uint32_t pkg)
{
    struct survey_machine *m = &s->machine;

    m->cpu_count = info->cpu_count < SURVEY_MAX_CPUS ? info->cpu_count : SURVEY_MAX_CPUS;
    for (unsigned i = 0; i < m->cpu_count; i++) {
        struct survey_cpu *cpu = &m->cpus[i];
        cpu->apic_id = info->cpus[i].apic_id;
        cpu->bsp = info->cpus[i].flags & BOOT_CPU_BSP;
        cpu->package = pkg < 32 ? cpu->apic_id >> pkg : 0;
        cpu->core = (cpu->apic_id >> smt) & ((1u << (pkg - smt)) - 1);
        cpu->thread = cpu->apic_id & ((1u << smt) - 1);
    }
}

/* Distinct packages and cores among the CPUs placed. */
static void count_places(struct survey *s)
{
    const struct survey_machine *m = &s->machine;

    s->packages = s->cores = 0;
    for (unsigned i = 0; i < m->cpu_count; i++) {
        bool new_package = true, new_core = true;
        for (unsigned j = 0; j < i; j++) {
            new_package &= m->cpus[j].package != m->cpus[i].package;
            new_core &=
                m->cpus[j].package != m->cpus[i].package || m->cpus[j].core != m->cpus[i].core;
        }
        s->packages += new_package;
        s->cores += new_core;
    }
}

static void list_cpus(struct survey *s, unsigned answered)
{
    for (unsigned i = 0; i < s->machine.cpu_count; i++) {
        const struct survey_cpu *c = &s->machine.cpus[i];
        uint8_t type = core_type_of(c->apic_id, answered);
        s->p_cores += type == CORE_TYPE_CORE;
        s->e_cores += type == CORE_TYPE_ATOM;
        format_append(&s->text, "apic %u: package %u core %u thread %u%s%s\n", c->apic_id,
                      c->package, c->core, c->thread, core_type_name(type),
                      c->bsp ? " (boot CPU)" : "");
    }
}

static void describe_topology(struct survey *s, const struct boot_info *info)
{
    uint32_t smt = 0, pkg = 0;
    unsigned answered = ask_every_cpu();

    format_append(&s->text, "\n[topology]\n");
    if (!topology_shifts(&smt, &pkg) || pkg < smt || pkg > 31) {
        smt = 0, pkg = 31; /* every APIC ID its own core */
        format_append(&s->text, "no topology leaf in CPUID: each CPU counted as a core\n");
    }
    place_cpus(s, info, smt, pkg);
    count_places(s);
    format_append(&s->text, "APIC ID bits: SMT %u, package %u\n", smt, pkg);
    format_append(&s->text, "%u CPUs, %u package%s, %u cores, SMT %s\n", s->machine.cpu_count,
                  s->packages, s->packages == 1 ? "" : "s", s->cores,
                  s->cores < s->machine.cpu_count ? "on" : "off");
    format_append(&s->text, "%u of them answered CPUID questions; hybrid: %s\n", answered,
                  this_cpu_core_type() ? "yes" : "no");
    list_cpus(s, answered);
    if (this_cpu_core_type())
        format_append(&s->text, "%u P-core CPUs, %u E-core CPUs\n", s->p_cores, s->e_cores);
}

void survey_cpu(struct survey *s, const struct boot_info *info)
{
    format_append(&s->text, "\n[cpu]\n");
    describe_model(&s->text);
    describe_vmx(s);
    describe_topology(s, info);
}
