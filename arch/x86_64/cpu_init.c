#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/host_paging.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "hv/arch.h"
#include "hv/log.h"

/*
 * Each CPU's stacks sit in their own slot of the stack area, every stack
 * between unmapped guard pages, so an overflow faults instead of silently
 * corrupting a neighbour. Layout in pages: guard, main stack, guard, then a
 * small stack per IST slot, each followed by a guard.
 */
#define STACK_SLOT_PAGES 64
#define MAIN_STACK_PAGES 8
#define IST_STACK_PAGES  2

static void set_this_cpu(struct percpu *cpu)
{
    cpu->self = cpu;
    cpu_write_msr(MSR_IA32_GS_BASE, (uint64_t)(uintptr_t)cpu);
}

/* The firmware's GDT and IDT live in memory the boot map calls usable: move
 * off them before the first frame is handed out (and zeroed). */
void arch_boot_cpu_early_init(void)
{
    static const uint64_t no_ist_stacks[4];

    descriptors_load(&percpus[0].descriptors, no_ist_stacks);
    idt_load();
    set_this_cpu(&percpus[0]);
}

static uint64_t map_stack(uint64_t *cursor, uint64_t pages)
{
    uint64_t bottom = *cursor + PAGE_SIZE; /* leave a guard page below */

    if (!host_map_fresh_pages(bottom, pages)) {
        log_error("out of memory for the stacks of cpu%u", arch_cpu_index());
        arch_halt_forever();
    }
    *cursor = bottom + pages * PAGE_SIZE;
    return *cursor;
}

/* Guests set their XCR0 through the hypervisor, which needs CR4.OSXSAVE to
 * execute XSETBV on their behalf. */
static void enable_xsetbv(void)
{
    if (cpu_cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)
        cpu_write_cr4(cpu_read_cr4() | CR4_OSXSAVE);
}

void arch_cpu_init(unsigned index, uint32_t apic_id, void (*fn)(void *), void *arg)
{
    struct percpu *cpu = &percpus[index];
    uint64_t cursor = STACK_AREA_BASE + (uint64_t)index * STACK_SLOT_PAGES * PAGE_SIZE;
    uint64_t ist_tops[4] = {0};

    cpu->index = index;
    cpu->apic_id = apic_id;
    set_this_cpu(cpu);
    cpu->stack_top = map_stack(&cursor, MAIN_STACK_PAGES);
    for (unsigned slot = IST_DOUBLE_FAULT; slot <= IST_MACHINE_CHECK; slot++)
        ist_tops[slot] = map_stack(&cursor, IST_STACK_PAGES);
    descriptors_load(&cpu->descriptors, ist_tops);
    set_this_cpu(cpu); /* the segment reload cleared GS base */
    enable_xsetbv();
    fpu_init_cpu();
    lapic_init();
    lapic_init_cpu();
    idt_load();
    cpu_switch_stack(cpu->stack_top, fn, arg);
}

bool stack_guard_contains(uint64_t va)
{
    uint64_t end = STACK_AREA_BASE + (uint64_t)MAX_CPUS * STACK_SLOT_PAGES * PAGE_SIZE;
    uint64_t pa, flags;

    return va >= STACK_AREA_BASE && va < end && !pt_translate(&host_tables, va, &pa, &flags);
}
