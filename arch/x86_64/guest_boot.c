#include "arch/x86_64/guest_boot.h"

#include "hv/arch.h"
#include "hv/partition.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/page_tables.h"
#include "lib/pc_layout.h"

#define GDT_CODE64 0x00af9b000000ffffull /* present, ring 0, execute/read, L */
#define GDT_CODE32 0x00cf9b000000ffffull /* present, ring 0, execute/read, D, 4 GiB */
#define GDT_DATA   0x00cf93000000ffffull /* present, ring 0, read/write */

/* A kernel's entry tables: below the boot structures of lib/pc_layout.h,
 * which the loaders fill, and clear of them. */
#define KERNEL_GDT_ADDRESS         0x2000ull
#define KERNEL_PAGE_TABLES_ADDRESS 0xa000ull /* PML4, PDPT, then 4 PDs */
#define KERNEL_IDENTITY_MAP_SIZE   0x100000000ull
_Static_assert(KERNEL_PAGE_TABLES_ADDRESS >= PC_BOOT_MODULES + PAGE_SIZE &&
                   KERNEL_PAGE_TABLES_ADDRESS + 6 * PAGE_SIZE <= PC_BOOT_CMDLINE &&
                   KERNEL_GDT_ADDRESS + PAGE_SIZE <= PC_BOOT_PARAMS,
               "kernel entry tables overlap the boot structures");

/* PML4 -> one PDPT -> one PD of 2 MiB pages covering the first 1 GiB. */
void guest_boot_write_tables(uint8_t *ram)
{
    uint64_t *gdt = (uint64_t *)(ram + GUEST_GDT_ADDRESS);
    uint64_t *pml4 = (uint64_t *)(ram + GUEST_PAGE_TABLES_ADDRESS);
    uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024;
    uint64_t table = PTE_PRESENT | PTE_WRITABLE;

    gdt[0] = 0;
    gdt[1] = GDT_CODE64;
    gdt[2] = GDT_DATA;
    pml4[0] = (GUEST_PAGE_TABLES_ADDRESS + PAGE_SIZE) | table;
    pdpt[0] = (GUEST_PAGE_TABLES_ADDRESS + 2 * PAGE_SIZE) | table;
    for (uint64_t i = 0; i < GUEST_IDENTITY_MAP_SIZE / PAGE_SIZE_2M; i++)
        pd[i] = i * PAGE_SIZE_2M | table | PTE_LARGE;
}

/* Linux's boot protocol wants code at selector 0x10 and data at 0x18;
 * multiboot and PVH take any flat segments, so they get the same. */
static void write_kernel_gdt(uint8_t *ram, bool long_mode)
{
    uint64_t *gdt = (uint64_t *)(ram + KERNEL_GDT_ADDRESS);

    gdt[0] = 0;
    gdt[1] = 0;
    gdt[2] = long_mode ? GDT_CODE64 : GDT_CODE32;
    gdt[3] = GDT_DATA;
}

/* The low 4 GiB with 2 MiB pages: wherever the kernel, its zero page, its
 * command line and its initrd lie below the MMIO hole, they are mapped. */
static void write_kernel_tables(uint8_t *ram)
{
    uint64_t *pml4 = (uint64_t *)(ram + KERNEL_PAGE_TABLES_ADDRESS);
    uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024;
    uint64_t table = PTE_PRESENT | PTE_WRITABLE;

    pml4[0] = (KERNEL_PAGE_TABLES_ADDRESS + PAGE_SIZE) | table;
    for (uint64_t i = 0; i < 4; i++)
        pdpt[i] = (KERNEL_PAGE_TABLES_ADDRESS + (2 + i) * PAGE_SIZE) | table;
    for (uint64_t i = 0; i < KERNEL_IDENTITY_MAP_SIZE / PAGE_SIZE_2M; i++)
        pd[i] = i * PAGE_SIZE_2M | table | PTE_LARGE;
}

void arch_partition_image_loaded(struct partition *p, uint8_t *ram, const struct arch_entry *entry)
{
    if (entry->mode == ARCH_ENTRY_BULKHEAD64)
        guest_boot_write_tables(ram);
    if (entry->mode == ARCH_ENTRY_FLAT32 || entry->mode == ARCH_ENTRY_LINUX64)
        write_kernel_gdt(ram, entry->mode == ARCH_ENTRY_LINUX64);
    if (entry->mode == ARCH_ENTRY_LINUX64)
        write_kernel_tables(ram);
    p->arch.entry_mode = entry->mode;
    p->arch.entry_rax = entry->rax;
    p->arch.entry_rbx = entry->rbx;
    p->arch.entry_rsi = entry->rsi;
}

void guest_boot_kernel_entry(const struct partition *p, struct vcpu_entry *entry)
{
    entry->mode = p->arch.entry_mode == ARCH_ENTRY_LINUX64 ? VCPU_ENTRY_LONG : VCPU_ENTRY_FLAT32;
    entry->page_tables = KERNEL_PAGE_TABLES_ADDRESS;
    entry->gdt_base = KERNEL_GDT_ADDRESS;
    entry->gdt_limit = KERNEL_GDT_LIMIT;
    entry->code_selector = KERNEL_CODE_SELECTOR;
    entry->data_selector = KERNEL_DATA_SELECTOR;
    entry->rax = p->arch.entry_rax;
    entry->rbx = p->arch.entry_rbx;
    entry->rsi = p->arch.entry_rsi;
}
