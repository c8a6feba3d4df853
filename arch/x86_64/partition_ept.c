/* A partition's guest-physical address space, kept in its EPT: the
 * arch_*memory*() of the contract (hv/arch.h). */
#include "arch/x86_64/ept.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"
#include "hv/partition.h"

/* EPT table pages are counted through the allocator's context. */
static uint64_t counting_table_alloc(void *ctx)
{
    uint64_t phys = memory_alloc_pages(1);

    if (phys)
        ++*(uint64_t *)ctx;
    return phys;
}

bool arch_partition_init(struct partition *p)
{
    if (!ept_create(&p->arch.ept))
        return false;
    p->arch.ept.tables.alloc_table = counting_table_alloc;
    p->arch.ept.tables.ctx = &p->arch.ept_pages;
    p->arch.ept_pages = 1;
    return true;
}

bool arch_map_memory_region(struct partition *p, const struct arch_memory_region *r)
{
    struct ept *ept = &p->arch.ept;
    enum pt_status status = PT_OK;

    switch (r->kind) {
    case ARCH_MEMORY_RAM:
        status = ept_map_ram(ept, r->guest_phys, r->host_phys, r->size);
        break;
    case ARCH_MEMORY_DEVICE:
    case ARCH_MEMORY_FRAMEBUFFER:
        status = ept_map_mmio(ept, r->guest_phys, r->host_phys, r->size,
                              r->kind == ARCH_MEMORY_FRAMEBUFFER);
        break;
    case ARCH_MEMORY_SHARED:
    case ARCH_MEMORY_SHARED_READ:
        status = ept_map_shared(ept, r->guest_phys, r->host_phys, r->size,
                                r->kind == ARCH_MEMORY_SHARED);
        break;
    }
    return status == PT_OK;
}

void arch_unmap_memory_region(struct partition *p, uint64_t guest_phys, uint64_t size)
{
    ept_unmap(&p->arch.ept, guest_phys, size);
}

bool arch_memory_region_unmapped(const struct partition *p, uint64_t guest_phys, uint64_t size)
{
    return pt_range_unmapped(&p->arch.ept.tables, guest_phys, size);
}

void arch_flush_memory_this_cpu(const struct partition *p)
{
    ept_flush_this_cpu(&p->arch.ept);
}

void arch_partition_report_overhead(const struct partition *p)
{
    const struct config_partition *c = p->config;

    log_line("partition %s: hypervisor overhead %llu bytes (EPT %llu, VMCS %u per vCPU)", c->name,
             (unsigned long long)((p->arch.ept_pages + c->cpu_count) * PAGE_SIZE),
             (unsigned long long)(p->arch.ept_pages * PAGE_SIZE), (unsigned)PAGE_SIZE);
}
