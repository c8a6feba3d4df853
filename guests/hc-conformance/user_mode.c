/*
 * VMCALL from ring 3 must raise #UD: only the guest kernel may call the
 * hypervisor. Getting to ring 3 takes a GDT with ring-3 segments, a TSS
 * whose RSP0 is the stack the exception comes back on, and page tables that
 * let ring 3 at the code and stack (the hypervisor's identity map is
 * supervisor-only). The exception handler's CATCH_FAULT resume brings the
 * CPU back to ring 0.
 */
#include "arch/x86_64/descriptors.h"
#include "guests/hc-conformance/conformance.h"
#include "guests/lib/guest.h"

#define GDT_CODE64_RING0 0x00af9b000000ffffull
#define GDT_DATA_RING0   0x00cf93000000ffffull
#define GDT_DATA_RING3   0x00cff3000000ffffull
#define GDT_CODE64_RING3 0x00affb000000ffffull
#define GDT_TSS_PRESENT  0x89ull /* present, DPL 0, available 64-bit TSS */

enum gdt_slot { GDT_NULL, GDT_CODE0, GDT_DATA0, GDT_DATA3, GDT_CODE3, GDT_TSS, GDT_SLOTS = 7 };

#define SELECTOR(slot, rpl) ((uint16_t)((slot)*8 | (rpl)))

#define PTE_USER         (1ull << 2)
#define PTE_LARGE        (1ull << 7)
#define PTE_ADDRESS_MASK 0x000ffffffffff000ull

static uint64_t gdt[GDT_SLOTS];
static struct tss64 tss;
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));

void ring3_enter(uint64_t rip, uint64_t rsp, uint64_t code_selector, uint64_t data_selector);
void ring3_vmcall(void);

/* The first two selectors match the hypervisor's GDT (include/bulkhead/guest_abi.h), so
 * the segments already loaded stay valid. */
static void load_gdt_and_tss(void)
{
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    struct cpu_table_pointer gdtr = {.limit = sizeof(gdt) - 1, .base = (uint64_t)gdt};

    tss.rsp[0] = (uint64_t)(ring0_stack + sizeof(ring0_stack));
    tss.io_map_base = sizeof(tss); /* no I/O bitmap */
    gdt[GDT_CODE0] = GDT_CODE64_RING0;
    gdt[GDT_DATA0] = GDT_DATA_RING0;
    gdt[GDT_DATA3] = GDT_DATA_RING3;
    gdt[GDT_CODE3] = GDT_CODE64_RING3;
    gdt[GDT_TSS] = (limit & 0xffff) | (base & 0xffffff) << 16 | GDT_TSS_PRESENT << 40 |
                   (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
    gdt[GDT_TSS + 1] = base >> 32;
    cpu_load_gdt(&gdtr);
    cpu_load_tr(SELECTOR(GDT_TSS, 0));
}

/* Sets the user bit on every level of the walk to address's 2 MiB page. */
static void allow_ring3(uint64_t address)
{
    uint64_t *pml4 = (uint64_t *)(uintptr_t)(cpu_read_cr3() & PTE_ADDRESS_MASK);
    uint64_t *pml4e = &pml4[address >> 39 & 511];
    uint64_t *pdpt = (uint64_t *)(uintptr_t)(*pml4e & PTE_ADDRESS_MASK);
    uint64_t *pdpte = &pdpt[address >> 30 & 511];
    uint64_t *pd = (uint64_t *)(uintptr_t)(*pdpte & PTE_ADDRESS_MASK);
    uint64_t *pde = &pd[address >> 21 & 511];

    *pml4e |= PTE_USER;
    *pdpte |= PTE_USER;
    *pde |= PTE_USER;
    EXPECT_TRUE(*pde & PTE_LARGE);
    cpu_write_cr3(cpu_read_cr3()); /* drop the old, supervisor-only translations */
}

void check_user_mode_vmcall(void)
{
    uint64_t stack_top = (uint64_t)(ring3_stack + sizeof(ring3_stack));

    load_gdt_and_tss();
    allow_ring3((uint64_t)ring3_vmcall);
    allow_ring3(stack_top - 1);
    EXPECT_FAULT(VECTOR_UD, ring3_enter((uint64_t)ring3_vmcall, stack_top, SELECTOR(GDT_CODE3, 3),
                                        SELECTOR(GDT_DATA3, 3)));
}
