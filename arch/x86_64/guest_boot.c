#include "arch/x86_64/guest_boot.h"

#include "hv/arch.h"
#include "hv/partition.h"
#include "lib/page_tables.h"
#include "include/bulkhead/guest_abi.h"

#define GDT_CODE64 0x00af9b000000ffffull /* present, ring 0, execute/read, L */
#define GDT_DATA   0x00cf93000000ffffull /* present, ring 0, read/write */

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

void arch_partition_image_loaded(struct partition *p, uint8_t *ram, bool kernel_64bit)
{
    if (kernel_64bit)
        guest_boot_write_tables(ram);
    p->arch.long_mode = kernel_64bit;
}
