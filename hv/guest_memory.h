/*
 * Reaching a partition's RAM from the hypervisor on behalf of a hypercall.
 * Guest pointers are guest-physical addresses. The RAM is one host block
 * that appears in guest-physical space in the pieces of the PC layout
 * (lib/pc_layout.h): a buffer must lie wholly inside one piece with no
 * wrap-around (an address in the MMIO hole is not RAM), or nothing is read
 * or written. Data is always copied: the hypervisor never acts on guest
 * memory in place, because the guest (or another of its vCPUs) can change
 * it at any time.
 */
#ifndef HV_GUEST_MEMORY_H
#define HV_GUEST_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

struct guest_memory {
    uint8_t *ram;  /* where the hypervisor sees the RAM block */
    uint64_t size; /* bytes */
};

/* Where [address, address + length) lies in the RAM block; false when it
 * is not wholly inside one piece of RAM. */
bool guest_range_offset(const struct guest_memory *memory, uint64_t address, uint64_t length,
                        uint64_t *offset);

/* Whether [address, address + length) lies wholly inside the RAM. */
bool guest_range_valid(const struct guest_memory *memory, uint64_t address, uint64_t length);

/* The hypervisor's view of a valid range, 0 for one that is not. */
uint8_t *guest_range_bytes(const struct guest_memory *memory, uint64_t address, uint64_t length);

/* The guest-physical address just above the highest byte of RAM: where
 * space beyond the RAM (the grant window) begins. */
uint64_t guest_ram_end(const struct guest_memory *memory);

/* Return false, copying nothing, when the range is not valid. */
bool guest_copy_from(const struct guest_memory *memory, void *to, uint64_t address,
                     uint64_t length);
bool guest_copy_to(const struct guest_memory *memory, uint64_t address, const void *from,
                   uint64_t length);

/* A naturally aligned 64-bit word the guest shares with the hypervisor on
 * purpose (the pending bits of an I/O request page), for atomic updates
 * only, never for a value the hypervisor acts on; 0 outside the RAM. */
static inline uint64_t *guest_shared_word(const struct guest_memory *memory, uint64_t address)
{
    if (address % sizeof(uint64_t))
        return 0;
    return (uint64_t *)guest_range_bytes(memory, address, sizeof(uint64_t));
}

#endif
