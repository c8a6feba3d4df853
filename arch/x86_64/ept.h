/* Extended page tables: guest-physical to host-physical translation. */
#ifndef ARCH_X86_64_EPT_H
#define ARCH_X86_64_EPT_H

#include <stdint.h>

#include "arch/x86_64/paging.h"

#define EPT_READ           (1ull << 0)
#define EPT_WRITE          (1ull << 1)
#define EPT_EXECUTE        (1ull << 2)
#define EPT_RWX            (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMORY_TYPE_WB (6ull << 3)

struct ept {
    struct pt_builder tables;
    uint64_t pointer; /* the EPTP VMCS value */
};

/* Builds an empty EPT; returns false when out of memory. */
int ept_create(struct ept *ept);

/* Maps guest RAM: read, write, execute, write-back. */
enum pt_status ept_map_ram(struct ept *ept, uint64_t guest_phys, uint64_t host_phys, uint64_t size);

#endif
