/*
 * Shared memory: a partition grants pages of its RAM to one named partition,
 * read-only or read-write; the grantee maps them at a guest-physical address
 * above its own RAM; the granter can revoke at any time, and the grantee
 * loses the mapping on every one of its CPUs before the revoke returns.
 */
#ifndef HV_GRANT_H
#define HV_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include "include/bulkhead/hypercall.h"

struct partition;

struct grant {
    bool used;
    bool writable;
    bool mapped;
    uint32_t grantee;
    uint32_t pages;
    uint64_t address;   /* in the granter's RAM */
    uint64_t mapped_at; /* in the grantee's guest-physical space */
};

struct grant_table {
    struct grant grants[HC_GRANTS];
};

int64_t grant_create(struct partition *self, uint64_t grantee_id, uint64_t address, uint64_t pages,
                     uint64_t flags);
int64_t grant_map(struct partition *self, uint64_t granter_id, uint64_t ref, uint64_t address);
int64_t grant_unmap(struct partition *self, uint64_t granter_id, uint64_t ref);
int64_t grant_revoke(struct partition *self, uint64_t ref);

/* The partition restarts or goes away: its grants are revoked and the
 * grants it mapped are unmapped. */
void grant_release_all(struct partition *p);

#endif
