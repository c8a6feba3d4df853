#include "arch/x86_64/ept.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/host_paging.h"
#include "arch/x86_64/vmcs.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/memory.h"

/* EPTP (SDM Vol. 3C 25.6.11): bits 2:0 memory type of the tables, 5:3 walk
 * length minus one. */
#define EPTP_MEMORY_TYPE_WB 6ull
#define EPTP_WALK_LENGTH_4  (3ull << 3)

static uint64_t ept_large_sizes(void)
{
    uint64_t cap = cpu_read_msr(MSR_IA32_VMX_EPT_VPID_CAP);

    return ((cap & EPT_CAP_2MB_PAGES) ? PAGE_SIZE_2M : 0) |
           ((cap & EPT_CAP_1GB_PAGES) ? PAGE_SIZE_1G : 0);
}

int ept_create(struct ept *ept)
{
    ept->tables = (struct pt_builder){
        .root = memory_alloc_pages(1),
        .alloc_table = paging_table_alloc,
        .table_pointer = paging_table_pointer,
        .table_flags = EPT_RWX,
        .present_mask = EPT_RWX,
        .large_sizes = ept_large_sizes(),
    };
    ept->pointer = ept->tables.root | EPTP_WALK_LENGTH_4 | EPTP_MEMORY_TYPE_WB;
    return ept->tables.root != 0;
}

enum pt_status ept_map_ram(struct ept *ept, uint64_t guest_phys, uint64_t host_phys, uint64_t size)
{
    return pt_map(&ept->tables, guest_phys, host_phys, size, EPT_RWX | EPT_MEMORY_TYPE_WB);
}

enum pt_status ept_map_shared(struct ept *ept, uint64_t guest_phys, uint64_t host_phys,
                              uint64_t size, bool writable)
{
    struct pt_builder small_pages = ept->tables;

    small_pages.large_sizes = 0;
    return pt_map(&small_pages, guest_phys, host_phys, size,
                  EPT_READ | (writable ? EPT_WRITE : 0) | EPT_MEMORY_TYPE_WB);
}

enum pt_status ept_map_mmio(struct ept *ept, uint64_t guest_phys, uint64_t host_phys, uint64_t size,
                            bool write_combining)
{
    return pt_map(&ept->tables, guest_phys, host_phys, size,
                  EPT_READ | EPT_WRITE |
                      (write_combining ? EPT_MEMORY_TYPE_WC : EPT_MEMORY_TYPE_UC));
}

enum pt_status ept_unmap(struct ept *ept, uint64_t guest_phys, uint64_t size)
{
    return pt_unmap(&ept->tables, guest_phys, size);
}

#define INVEPT_SINGLE_CONTEXT         1
#define EPT_CAP_INVEPT_SINGLE_CONTEXT (1ull << 25)

/* Where the CPU cannot drop one EPT's translations it drops them all. */
void ept_flush_this_cpu(const struct ept *ept)
{
    if (cpu_read_msr(MSR_IA32_VMX_EPT_VPID_CAP) & EPT_CAP_INVEPT_SINGLE_CONTEXT)
        vmx_invept(INVEPT_SINGLE_CONTEXT, ept->pointer);
    else
        vmx_invept(INVEPT_ALL_CONTEXTS, 0);
}
