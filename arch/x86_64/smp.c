/*
 * Application processor start-up by INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4).
 * Each start is a hand-shake of its own (ap_token.h): an AP that comes after
 * its time-out finds its token given up and parks in the trampoline, never
 * touching the boot stack, the allocator, the log or the next AP's start.
 */
#include "arch/x86_64/ap_token.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/host_paging.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trampoline.h"
#include "arch/x86_64/tsc.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"
#include "lib/format.h"
#include "lib/string.h"

#define AP_BOOT_STACK_SIZE 8192
/* Linux waits ten seconds for an AP: microcode updates and firmware SMIs
 * can hold a real one back, and only a dead CPU waits the whole time. */
#define AP_START_MS    10000
#define INIT_SETTLE_MS 10
#define GDT_CODE64     0x00af9a000000ffffull
#define GDT_DATA       0x00cf92000000ffffull

static uint64_t trampoline_phys;
static uint64_t trampoline_cr3;
static uint64_t tsc_hz;

/* Only the AP that claimed the start under way runs on the boot stack, and
 * the next start waits until it has moved to its own. */
static uint8_t ap_boot_stack[AP_BOOT_STACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned starting_index;
static void (*starting_fn)(void *);
static volatile int left_boot_stack;
static bool boot_stack_lost; /* an AP claimed it and never left it */
static uint32_t sequence;
static uint32_t late_reported;
static uint32_t apic_ids[MAX_CPUS]; /* by index, to name late APs */
static unsigned highest_index;

static struct trampoline_params *params(void)
{
    return (void *)((char *)phys_to_virt(trampoline_phys) + TRAMPOLINE_PARAMS_OFFSET);
}

_Static_assert(__builtin_offsetof(struct trampoline_params, token) % 8 == 0 &&
                   TRAMPOLINE_PARAMS_OFFSET % 8 == 0,
               "the token must be aligned for its compare-and-exchange");

/* The token and the notes of parked APs, reached apart from the packed
 * struct because atomics want aligned pointers (asserted above). */
static uint64_t *token_slot(void)
{
    return (uint64_t *)((char *)params() + __builtin_offsetof(struct trampoline_params, token));
}

static uint32_t *late_slot(unsigned n)
{
    return (uint32_t *)((char *)params() +
                        __builtin_offsetof(struct trampoline_params, late_apic_ids) + 4 * n);
}

static uint64_t token_now(void)
{
    return __atomic_load_n(token_slot(), __ATOMIC_ACQUIRE);
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

static void ap_started(void *arg)
{
    __atomic_store_n(&left_boot_stack, 1, __ATOMIC_RELEASE);
    starting_fn(arg);
    arch_halt_forever();
}

/* First C code on an AP, on the boot stack its claim gave it. */
static void ap_entry(uint64_t apic_id)
{
    unsigned index = starting_index;

    cpu_write_cr3(host_tables.root);
    cpu_write_cr0(cpu_read_cr0() | CR0_WP);
    cpu_write_cr4(cpu_read_cr4() | CR4_PGE);
    arch_cpu_init(index, (uint32_t)apic_id, ap_started, (void *)(uintptr_t)index);
}

/* The same for every AP: nothing in it belongs to one start. */
static void write_trampoline_params(void)
{
    struct trampoline_params *p = params();
    uint64_t params_phys = trampoline_phys + TRAMPOLINE_PARAMS_OFFSET;

    memset(p, 0, sizeof(*p));
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
    p->hold_apic_id = TRAMPOLINE_NO_APIC_ID;
    for (unsigned i = 0; i < TRAMPOLINE_LATE_SLOTS; i++)
        p->late_apic_ids[i] = TRAMPOLINE_NO_APIC_ID;
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
    write_trampoline_params();
}

void arch_smp_hold_cpu(uint32_t apic_id)
{
    params()->hold_apic_id = apic_id;
}

static const char *cpu_name(uint32_t apic_id, char *to, size_t size)
{
    for (unsigned i = 1; i <= highest_index; i++) {
        if (apic_ids[i] == apic_id) {
            format(to, size, "cpu%u", i);
            return to;
        }
    }
    return "a CPU";
}

/* The notes parked APs left in the trampoline page, each said once. */
void arch_smp_report_late(void)
{
    uint32_t *late_count =
        (uint32_t *)((char *)params() + __builtin_offsetof(struct trampoline_params, late_count));
    uint32_t count = __atomic_load_n(late_count, __ATOMIC_ACQUIRE);
    char name[16];

    for (; late_reported < count && late_reported < TRAMPOLINE_LATE_SLOTS; late_reported++) {
        uint32_t id = __atomic_load_n(late_slot(late_reported), __ATOMIC_ACQUIRE);
        if (id == TRAMPOLINE_NO_APIC_ID)
            break; /* counted but not written yet: next time */
        log_line("smp: %s (apic %u) came after its start was given up and parked",
                 cpu_name(id, name, sizeof(name)), id);
    }
}

static bool wait_claimed(uint64_t milliseconds)
{
    struct wall_wait wait;

    wall_wait_start(&wait, milliseconds);
    do {
        if (ap_token_state(token_now()) != AP_TOKEN_OPEN)
            return true;
        cpu_pause();
    } while (!wall_wait_over(&wait));
    return false;
}

static void settle(uint64_t ticks)
{
    uint64_t until = cpu_rdtsc() + ticks;

    while (cpu_rdtsc() < until)
        cpu_pause();
}

/* INIT, then up to two STARTUPs; true when the AP claimed its token. */
static bool send_start(uint32_t apic_id, uint64_t token)
{
    uint8_t vector = (uint8_t)(trampoline_phys >> 12);
    struct wall_wait init_wait;

    lapic_send_init(apic_id);
    wall_wait_start(&init_wait, INIT_SETTLE_MS);
    while (!wall_wait_over(&init_wait))
        cpu_pause();
    lapic_send_startup(apic_id, vector);
    settle(tsc_hz / 5000); /* 200 us */
    if (ap_token_state(token_now()) == AP_TOKEN_OPEN)
        lapic_send_startup(apic_id, vector);
    if (wait_claimed(AP_START_MS))
        return true;
    /* Losing this race means the AP claimed its start just now. */
    return !ap_token_close(token_slot(), token, AP_TOKEN_GIVEN_UP);
}

static bool wait_left_boot_stack(unsigned index)
{
    struct wall_wait wait;

    wall_wait_start(&wait, AP_START_MS);
    while (!__atomic_load_n(&left_boot_stack, __ATOMIC_ACQUIRE)) {
        if (wall_wait_over(&wait)) {
            log_error("smp: cpu%u started but never left the boot stack: no further CPU starts",
                      index);
            boot_stack_lost = true;
            return false;
        }
        cpu_pause();
    }
    return true;
}

bool arch_start_cpu(unsigned index, uint32_t apic_id, void (*fn)(void *))
{
    if (!trampoline_cr3 || boot_stack_lost || index >= MAX_CPUS)
        return false;
    arch_smp_report_late();
    apic_ids[index] = apic_id;
    highest_index = index > highest_index ? index : highest_index;
    starting_index = index;
    starting_fn = fn;
    left_boot_stack = 0;
    uint64_t token = ap_token_open(++sequence, apic_id);
    __atomic_store_n(token_slot(), token, __ATOMIC_RELEASE);
    if (!send_start(apic_id, token))
        return false;
    return wait_left_boot_stack(index);
}
