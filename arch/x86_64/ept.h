/* Extended page tables: guest-physical to host-physical translation. */
#ifndef ARCH_X86_64_EPT_H
#define ARCH_X86_64_EPT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/page_tables.h"

#define EPT_READ           (1ull << 0)
#define EPT_WRITE          (1ull << 1)
#define EPT_EXECUTE        (1ull << 2)
#define EPT_RWX            (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMORY_TYPE_UC (0ull << 3)
#define EPT_MEMORY_TYPE_WC (1ull << 3)
#define EPT_MEMORY_TYPE_WB (6ull << 3)

struct ept {
    struct pt_builder tables;
    uint64_t pointer; /* the EPTP VMCS value */
};

/* Builds an empty EPT; returns false when out of memory. */
int ept_create(struct ept *ept);

/* Maps pages granted by another partition with 4 KiB pages (so that they
 * can be taken away one by one): read and write, or read only; never
 * executable (they hold data shared between partitions). */
enum pt_status ept_map_shared(struct ept *ept, uint64_t guest_phys, uint64_t host_phys,
                              uint64_t size, bool writable);
enum pt_status ept_unmap(struct ept *ept, uint64_t guest_phys, uint64_t size);

/* Drops this CPU's cached translations of the EPT (INVEPT single-context). */
void ept_flush_this_cpu(const struct ept *ept);

/* Maps guest RAM: read, write, execute, write-back. */
enum pt_status ept_map_ram(struct ept *ept, uint64_t guest_phys, uint64_t host_phys, uint64_t size);

/* Maps device memory the partition owns: read and write, never executable,
 * uncached (registers) or write-combining (a framebuffer). */
enum pt_status ept_map_mmio(struct ept *ept, uint64_t guest_phys, uint64_t host_phys, uint64_t size,
                            bool write_combining);

#endif
