#include "hv/grant.h"

#include "hv/partition.h"
#include "hv/spinlock.h"

#define PAGE 4096ull

/* One lock for every grant table: a grant joins two partitions. */
static struct spinlock grants_lock;

static int64_t free_grant(struct partition *p)
{
    for (unsigned i = 0; i < HC_GRANTS; i++) {
        if (!p->grants.grants[i].used)
            return i;
    }
    return HC_ENOSPC;
}

int64_t grant_create(struct partition *self, uint64_t grantee_id, uint64_t address, uint64_t pages,
                     uint64_t flags)
{
    if (grantee_id == self->id || (flags & ~(uint64_t)HC_GRANT_READ_WRITE) || (address % PAGE) ||
        !pages || pages > HC_GRANT_MAX_PAGES)
        return HC_EINVAL;
    if (!partition_range_in_ram(self, address, pages * PAGE))
        return HC_EFAULT;
    if (!partition_by_id(grantee_id))
        return HC_ENOENT;
    spin_lock(&grants_lock);
    int64_t ref = free_grant(self);
    if (ref >= 0)
        self->grants.grants[ref] = (struct grant){.used = true,
                                                  .writable = flags & HC_GRANT_READ_WRITE,
                                                  .grantee = (uint32_t)grantee_id,
                                                  .pages = (uint32_t)pages,
                                                  .address = address};
    spin_unlock(&grants_lock);
    return ref;
}

/* The grant `ref` of `granter`, if it exists and is meant for `grantee`;
 * *error says why not. */
static struct grant *grant_for(struct partition *granter, uint64_t ref,
                               const struct partition *grantee, int64_t *error)
{
    struct grant *g = ref < HC_GRANTS ? &granter->grants.grants[ref] : 0;

    *error = 0;
    if (!g || !g->used)
        *error = HC_ENOENT;
    else if (g->grantee != grantee->id)
        *error = HC_EPERM;
    return *error ? 0 : g;
}

/* The window is bounded so that a grantee mapping and unmapping all over
 * it cannot make the hypervisor allocate page tables without end. */
static bool map_window_valid(const struct partition *grantee, uint64_t address, uint64_t size)
{
    uint64_t window_start = partition_ram_end(grantee);
    uint64_t window_end = window_start + HC_GRANT_WINDOW_SIZE;

    return !(address % PAGE) && address >= window_start && address < window_end &&
           size <= window_end - address;
}

int64_t grant_map(struct partition *self, uint64_t granter_id, uint64_t ref, uint64_t address)
{
    struct partition *granter = partition_by_id(granter_id);
    int64_t error;

    if (!granter)
        return HC_ENOENT;
    spin_lock(&grants_lock);
    struct grant *g = grant_for(granter, ref, self, &error);
    if (g && g->mapped)
        error = HC_EBUSY;
    else if (g && !map_window_valid(self, address, g->pages * PAGE))
        error = HC_EINVAL;
    else if (g && !partition_map_foreign(self, address, granter, g->address, g->pages * PAGE,
                                         g->writable))
        error = HC_EBUSY; /* overlaps another mapping, or out of table memory */
    if (!error) {
        g->mapped = true;
        g->mapped_at = address;
    }
    spin_unlock(&grants_lock);
    if (error == HC_EBUSY && g && !g->mapped)
        partition_flush_ept(self); /* a half-made mapping may have been taken back */
    return error;
}

/* Unmaps the grant from the grantee's EPT. The grantee's CPUs drop their
 * cached translations only after the lock is released (they may be waiting
 * for it in a hypercall of their own): callers finish with
 * partition_flush_ept() on the grantee returned here. */
static struct partition *take_back(struct partition *grantee, struct grant *g)
{
    bool was_mapped = g->mapped && grantee;

    if (was_mapped)
        partition_unmap_foreign(grantee, g->mapped_at, g->pages * PAGE);
    g->mapped = false;
    return was_mapped ? grantee : 0;
}

/* A grantee that did not confirm its flush in time is being stopped; the
 * caller learns that the pages may still have been reachable. */
static int64_t flush_if_needed(struct partition *grantee)
{
    return !grantee || partition_flush_ept(grantee) ? 0 : HC_EBUSY;
}

int64_t grant_unmap(struct partition *self, uint64_t granter_id, uint64_t ref)
{
    struct partition *granter = partition_by_id(granter_id);
    int64_t error;

    if (!granter)
        return HC_ENOENT;
    spin_lock(&grants_lock);
    struct grant *g = grant_for(granter, ref, self, &error);
    if (g && !g->mapped)
        error = HC_ENOENT;
    struct partition *to_flush = error ? 0 : take_back(self, g);
    spin_unlock(&grants_lock);
    return error ? error : flush_if_needed(to_flush);
}

int64_t grant_revoke(struct partition *self, uint64_t ref)
{
    if (ref >= HC_GRANTS || !self->grants.grants[ref].used)
        return HC_ENOENT;
    spin_lock(&grants_lock);
    struct grant *g = &self->grants.grants[ref];
    struct partition *to_flush = take_back(partition_by_id(g->grantee), g);
    *g = (struct grant){0};
    spin_unlock(&grants_lock);
    return flush_if_needed(to_flush);
}

/* The grants other partitions made to p and p mapped: unmapped, without a
 * flush (p is not running while it is released). */
static void unmap_grants_to(struct partition *p)
{
    for (unsigned id = 1; id <= CONFIG_MAX_PARTITIONS; id++) {
        struct partition *granter = partition_by_id(id);
        for (unsigned i = 0; granter && i < HC_GRANTS; i++) {
            struct grant *g = &granter->grants.grants[i];
            if (g->used && g->grantee == p->id)
                take_back(p, g);
        }
    }
}

void grant_release_all(struct partition *p)
{
    struct partition *to_flush[HC_GRANTS];
    unsigned flushes = 0;

    spin_lock(&grants_lock);
    for (unsigned i = 0; i < HC_GRANTS; i++) {
        struct grant *g = &p->grants.grants[i];
        struct partition *grantee = g->used ? take_back(partition_by_id(g->grantee), g) : 0;
        if (grantee)
            to_flush[flushes++] = grantee;
        *g = (struct grant){0};
    }
    unmap_grants_to(p);
    spin_unlock(&grants_lock);
    for (unsigned i = 0; i < flushes; i++)
        partition_flush_ept(to_flush[i]);
}
