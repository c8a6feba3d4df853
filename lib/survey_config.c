#include "lib/survey_config.h"

#include "lib/config.h"
#include "lib/format.h"

#define MIB (1ull << 20)
/* The hypervisor's own share: its tables, EPTs and the vCPUs' pages. */
#define HYPERVISOR_RESERVE_MIB     64
#define HYPERVISOR_RESERVE_DIVISOR 16
#define PARTITION_MEMORY_MAX_MIB   (64ull * 1024)

/* Bulkhead's CPU numbering: the stub's order with the boot CPU in slot 0. */
static void number_cpus(const struct survey_machine *machine, struct survey_cpu *cpus,
                        unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        cpus[i] = machine->cpus[i];
    for (unsigned i = 1; i < count; i++) {
        if (cpus[i].bsp) {
            struct survey_cpu bsp = cpus[i];
            cpus[i] = cpus[0];
            cpus[0] = bsp;
        }
    }
}

static bool same_core(const struct survey_cpu *a, const struct survey_cpu *b)
{
    return a->package == b->package && a->core == b->core;
}

/* core_of[cpu] = the index of its core, counted in order of first CPU;
 * returns the number of cores. Core 0 is the boot CPU's. */
static unsigned group_by_core(const struct survey_cpu *cpus, unsigned count, unsigned *core_of)
{
    unsigned cores = 0;

    for (unsigned i = 0; i < count; i++) {
        core_of[i] = cores;
        for (unsigned j = 0; j < i; j++) {
            if (same_core(&cpus[i], &cpus[j])) {
                core_of[i] = core_of[j];
                break;
            }
        }
        if (core_of[i] == cores)
            cores++;
    }
    return cores;
}

/* "0-1, 4" for the CPUs whose core lies in [first, end). */
static void append_cpu_list(struct format_text *out, const unsigned *core_of, unsigned count,
                            unsigned first, unsigned end)
{
    bool any = false;

    for (unsigned i = 0; i < count; i++) {
        if (core_of[i] < first || core_of[i] >= end)
            continue;
        unsigned last = i;
        while (last + 1 < count && core_of[last + 1] >= first && core_of[last + 1] < end)
            last++;
        format_append(out, any ? ", %u" : "%u", i);
        if (last > i)
            format_append(out, "-%u", last);
        any = true;
        i = last;
    }
    format_append(out, "\n");
}

static void append_hypervisor(struct format_text *out, const struct survey_machine *machine)
{
    format_append(out, "[hypervisor]\n");
    if (machine->serial_count)
        format_append(out, "serial = 0x%x\n", machine->serial_ports[0]);
    else
        format_append(out, "serial = none\n");
    format_append(out, "framebuffer = %s\n", machine->has_framebuffer ? "yes" : "no");
    format_append(out, "probe = probe.bin\non_finish = halt\non_fault = reboot\n\n");
}

static void append_dom0(struct format_text *out, const struct survey_machine *machine,
                        const unsigned *core_of)
{
    format_append(out,
                  "# The management partition, on the boot CPU's core; it owns the consoles.\n");
    format_append(out, "[partition dom0]\ncpus = ");
    append_cpu_list(out, core_of, machine->cpu_count, 0, 1);
    format_append(out, "memory = %uM\nimage = dom0.elf\nmode = pv\nprivileged = yes\n",
                  SURVEY_DOM0_MEMORY_MIB);
    if (!machine->serial_count && !machine->has_framebuffer)
        return;
    format_append(out, "devices = ");
    for (unsigned i = 0; i < machine->serial_count; i++)
        format_append(out, "%sserial 0x%x", i ? ", " : "", machine->serial_ports[i]);
    if (machine->has_framebuffer)
        format_append(out, "%sframebuffer", machine->serial_count ? ", " : "");
    format_append(out, "\n");
}

/* What each guest partition gets, in MiB: 0 when nothing is left. */
static uint64_t guest_memory_mib(const struct survey_machine *machine, unsigned partitions)
{
    uint64_t usable = machine->usable_bytes / MIB;
    uint64_t reserve = usable / HYPERVISOR_RESERVE_DIVISOR;
    uint64_t each;

    if (reserve < HYPERVISOR_RESERVE_MIB)
        reserve = HYPERVISOR_RESERVE_MIB;
    if (usable <= reserve + SURVEY_DOM0_MEMORY_MIB + partitions)
        return 0;
    each = (usable - reserve - SURVEY_DOM0_MEMORY_MIB) / partitions;
    return each > PARTITION_MEMORY_MAX_MIB ? PARTITION_MEMORY_MAX_MIB : each;
}

static void append_guests(struct format_text *out, const struct survey_machine *machine,
                          const unsigned *core_of, unsigned cores)
{
    unsigned partitions = cores - 1;
    uint64_t memory;

    if (partitions > CONFIG_MAX_PARTITIONS - 1)
        partitions = CONFIG_MAX_PARTITIONS - 1;
    memory = partitions ? guest_memory_mib(machine, partitions) : 0;
    if (!memory) {
        format_append(out, "\n# No core or memory is left for another partition.\n");
        return;
    }
    for (unsigned p = 0; p < partitions; p++) {
        /* Cores 1..cores-1 split into `partitions` runs of whole cores. */
        unsigned first = 1 + p * (cores - 1) / partitions;
        unsigned end = 1 + (p + 1) * (cores - 1) / partitions;
        format_append(
            out, "\n# Replace the image with your guest.\n[partition guest%u]\ncpus = ", p + 1);
        append_cpu_list(out, core_of, machine->cpu_count, first, end);
        format_append(out, "memory = %lluM\nimage = %s\n", (unsigned long long)memory,
                      SURVEY_GUEST_IMAGE);
    }
}

size_t survey_suggest_config(const struct survey_machine *machine, char *buf, size_t size)
{
    static struct survey_machine numbered; /* too big for a firmware stack */
    static unsigned core_of[SURVEY_MAX_CPUS];
    struct format_text out = {buf, size, 0};
    unsigned cores;

    numbered = *machine;
    if (numbered.cpu_count > SURVEY_MAX_CPUS)
        numbered.cpu_count = SURVEY_MAX_CPUS;
    number_cpus(machine, numbered.cpus, numbered.cpu_count);
    cores = group_by_core(numbered.cpus, numbered.cpu_count, core_of);
    format_append(&out,
                  "# Suggested by the Bulkhead survey for this machine. Check it with\n"
                  "# make check-config, then save it as bulkhead.cfg beside BOOTX64.EFI.\n\n");
    append_hypervisor(&out, &numbered);
    if (numbered.cpu_count == 0)
        return out.length;
    append_dom0(&out, &numbered, core_of);
    append_guests(&out, &numbered, core_of, cores);
    return out.length;
}
