/* Application processor start-up by INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4). */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/host_paging.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trampoline.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"
#include "lib/string.h"

#define AP_BOOT_STACK_SIZE 8192
#define AP_START_SECONDS   5
#define GDT_CODE64         0x00af9a000000ffffull
#define GDT_DATA           0x00cf92000000ffffull

static uint64_t trampoline_phys;
static uint64_t trampoline_cr3;
static uint64_t tsc_hz;

/* One AP starts at a time, so they share a boot stack and a hand-over. */
static uint8_t ap_boot_stack[AP_BOOT_STACK_SIZE] __attribute__((aligned(16)));
static void (*ap_main)(void *);
static volatile uint32_t ap_apic_id;
static volatile int ap_alive;

static void wait_ticks(uint64_t ticks)
{
    uint64_t until = cpu_rdtsc() + ticks;

    while (cpu_rdtsc() < until)
        cpu_pause();
}

/* Tables for the jump into long mode: the core's upper half plus an
 * identity map of the first 2 MiB, where the trampoline runs. The PML4 must
 * lie below 4 GiB because real mode loads CR3 with 32 bits. */
static bool build_trampoline_tables(void)
{
    uint64_t pml4 = memory_alloc_pages_below(1, 1ull << 32);
    struct pt_builder low = host_tables;

    if (!pml4)
        return false;
    memcpy((uint64_t *)phys_to_virt(pml4) + 256, (uint64_t *)phys_to_virt(host_tables.root) + 256,
           256 * sizeof(uint64_t));
    low.root = pml4;
    low.large_sizes = PAGE_SIZE_2M;
    trampoline_cr3 = pml4;
    return pt_map(&low, 0, 0, PAGE_SIZE_2M, PTE_PRESENT | PTE_WRITABLE) == PT_OK;
}

void arch_smp_init(uint64_t trampoline, uint64_t tsc_ticks_per_second)
{
    trampoline_phys = trampoline;
    tsc_hz = tsc_ticks_per_second;
    lapic_init();
    if (!build_trampoline_tables())
        log_error("out of memory for the AP start-up tables");
    memcpy(phys_to_virt(trampoline_phys), trampoline_start,
           (uint64_t)(trampoline_end - trampoline_start));
}

static void ap_started(void *arg)
{
    ap_alive = 1;
    ap_main(arg);
    arch_halt_forever();
}

/* First C code on an AP, still on the shared boot stack. */
static void ap_entry(uint64_t index)
{
    cpu_write_cr3(host_tables.root);
    cpu_write_cr0(cpu_read_cr0() | CR0_WP);
    cpu_write_cr4(cpu_read_cr4() | CR4_PGE);
    arch_cpu_init((unsigned)index, ap_apic_id, ap_started, (void *)(uintptr_t)index);
}

static void write_trampoline_params(unsigned index)
{
    struct trampoline_params *p =
        (void *)((char *)phys_to_virt(trampoline_phys) + TRAMPOLINE_PARAMS_OFFSET);
    uint64_t params_phys = trampoline_phys + TRAMPOLINE_PARAMS_OFFSET;

    p->gdt[0] = 0;
    p->gdt[1] = GDT_CODE64;
    p->gdt[2] = GDT_DATA;
    p->gdt_limit = sizeof(p->gdt) - 1;
    p->gdt_base = (uint32_t)(params_phys + __builtin_offsetof(struct trampoline_params, gdt));
    p->long_mode_offset =
        (uint32_t)(trampoline_phys + (uint64_t)(trampoline_long_mode - trampoline_start));
    p->long_mode_selector = SELECTOR_CODE;
    p->cr3 = (uint32_t)trampoline_cr3;
    p->stack_top = (uint64_t)(uintptr_t)(ap_boot_stack + AP_BOOT_STACK_SIZE);
    p->entry = (uint64_t)(uintptr_t)ap_entry;
    p->arg = index;
}

static bool wait_alive(uint64_t ticks)
{
    uint64_t until = cpu_rdtsc() + ticks;

    while (cpu_rdtsc() < until) {
        if (ap_alive)
            return true;
        cpu_pause();
    }
    return ap_alive;
}

bool arch_start_cpu(unsigned index, uint32_t apic_id, void (*fn)(void *))
{
    uint8_t vector = (uint8_t)(trampoline_phys >> 12);

    if (!trampoline_cr3)
        return false;
    ap_main = fn;
    ap_apic_id = apic_id;
    ap_alive = 0;
    write_trampoline_params(index);

    lapic_send_init(apic_id);
    wait_ticks(tsc_hz / 100); /* 10 ms */
    lapic_send_startup(apic_id, vector);
    if (wait_alive(tsc_hz / 5000)) /* 200 us */
        return true;
    lapic_send_startup(apic_id, vector);
    /* Real CPUs answer within microseconds; emulated ones on a busy host can
     * take far longer, and only a dead CPU ever waits the whole time. */
    return wait_alive(AP_START_SECONDS * tsc_hz);
}
