/*
 * Additions to the page tables the hypervisor built for the guest (the
 * identity map of the first GUEST_IDENTITY_MAP_SIZE bytes, see
 * include/bulkhead/guest_abi.h), for guests that reach beyond it on purpose.
 */
#ifndef GUESTS_LIB_PAGING_H
#define GUESTS_LIB_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Maps the 2 MiB page holding address to itself, writable and uncached
 * (what lies outside RAM would be device registers). An address that is
 * already mapped is left as it is. False when the runtime's small pool of
 * page tables is used up or the address is not canonical.
 */
bool map_identity_2m(uint64_t address);

/* Maps [base, base + size) to itself, write-back: memory beyond the
 * identity map that the partition owns (a framebuffer, which the
 * hypervisor's write-combining type makes combine writes; a disk's image).
 * False as above, or for an empty or wrapping range. */
bool map_memory(uint64_t base, uint64_t size);

#endif
