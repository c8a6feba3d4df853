/* A partition's guest-physical space beyond its RAM: pages other partitions
 * granted to it, and taking them away again on every one of its CPUs. */
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/partition.h"

#define FLUSH_WAIT_SECONDS 1

bool partition_range_in_ram(const struct partition *p, uint64_t address, uint64_t length)
{
    struct guest_memory memory = partition_guest_memory(p);

    return guest_range_valid(&memory, address, length);
}

/* Every vCPU must drop its translations before it enters again. */
static void retire_translations(struct partition *p)
{
    __atomic_add_fetch(&p->ept_generation, 1, __ATOMIC_ACQ_REL);
    partition_note_work(p);
}

bool partition_map_foreign(struct partition *grantee, uint64_t address,
                           const struct partition *granter, uint64_t granter_address, uint64_t size,
                           bool writable)
{
    struct guest_memory granted = partition_guest_memory(granter);
    bool mapped = false;
    uint64_t offset;

    if (!guest_range_offset(&granted, granter_address, size, &offset))
        return false;
    /* Only an empty window is taken: a failed map must never touch what
     * other grants mapped there. */
    struct arch_memory_region region = {address, granter->ram_phys + offset, size,
                                        writable ? ARCH_MEMORY_SHARED : ARCH_MEMORY_SHARED_READ};

    spin_lock(&grantee->ept_lock);
    if (arch_memory_region_unmapped(grantee, address, size)) {
        mapped = arch_map_memory_region(grantee, &region);
        if (!mapped) {
            /* Out of table memory half way: take back what this call mapped
             * (the window was empty); the caller flushes, as a vCPU may have
             * used it meanwhile. */
            arch_unmap_memory_region(grantee, address, size);
            retire_translations(grantee);
        }
    }
    spin_unlock(&grantee->ept_lock);
    return mapped;
}

void partition_unmap_foreign(struct partition *grantee, uint64_t address, uint64_t size)
{
    spin_lock(&grantee->ept_lock);
    arch_unmap_memory_region(grantee, address, size);
    retire_translations(grantee);
    spin_unlock(&grantee->ept_lock);
}

/* On the vCPU's own CPU, before it enters the guest again. */
void partition_vcpu_flush_ept(struct vcpu *v)
{
    uint64_t generation = __atomic_load_n(&v->partition->ept_generation, __ATOMIC_ACQUIRE);

    if (v->ept_generation_seen == generation)
        return;
    arch_flush_memory_this_cpu(v->partition);
    __atomic_store_n(&v->ept_generation_seen, generation, __ATOMIC_RELEASE);
}

/*
 * A vCPU that is not running has no translations to drop that it could use
 * (it flushes before it starts); a running one is kicked out of its guest or
 * its HLT and flushes before it goes back. The wait is bounded so that a
 * broken CPU cannot hang the caller; that CPU's partition is then stopped
 * and the caller told.
 */
bool partition_flush_ept(struct partition *p)
{
    uint64_t generation = __atomic_load_n(&p->ept_generation, __ATOMIC_ACQUIRE);
    uint64_t give_up = arch_read_tsc() + FLUSH_WAIT_SECONDS * partition_tsc_hz();

    for (unsigned i = 0; i < p->vcpu_count; i++) {
        struct vcpu *v = p->vcpus[i];
        if (v->cpu_index == arch_cpu_index())
            partition_vcpu_flush_ept(v);
        else
            arch_vcpu_kick(v);
    }
    for (unsigned i = 0; i < p->vcpu_count; i++) {
        struct vcpu *v = p->vcpus[i];
        while (v->state == VCPU_RUNNING &&
               __atomic_load_n(&v->ept_generation_seen, __ATOMIC_ACQUIRE) < generation) {
            if (arch_read_tsc() > give_up) {
                log_error("partition %s: cpu%u did not drop its EPT translations in %u s: "
                          "stopping the partition",
                          p->config->name, v->cpu_index, FLUSH_WAIT_SECONDS);
                partition_stop_all(p);
                return false;
            }
            spin_relax();
        }
    }
    return true;
}

void partition_deliver_interrupt(struct partition *p, unsigned vcpu, uint8_t vector)
{
    struct vcpu *v = vcpu < p->vcpu_count ? p->vcpus[vcpu] : 0;

    if (!v)
        return;
    /* A flood of sends to one vector costs its CPU one exit, not one each. */
    if (arch_vcpu_raise(v, vector) && v->cpu_index != arch_cpu_index())
        arch_vcpu_kick(v);
}
