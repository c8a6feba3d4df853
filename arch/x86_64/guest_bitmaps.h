/* The I/O and MSR bitmaps every guest shares: which port and MSR accesses
 * exit to the hypervisor (SDM Vol. 3C 25.6.4, 25.6.9). */
#ifndef ARCH_X86_64_GUEST_BITMAPS_H
#define ARCH_X86_64_GUEST_BITMAPS_H

#include <stdbool.h>
#include <stdint.h>

struct guest_bitmaps {
    uint64_t io;  /* two pages, all ones: every port access exits */
    uint64_t msr; /* one page: only the MSRs in msr_passthrough[] run unhindered */
};

/* Built once by the boot CPU; false when out of memory. */
bool guest_bitmaps_init(void);
const struct guest_bitmaps *guest_bitmaps(void);

/* A partition's own I/O bitmaps (two pages), a copy of the shared ones in
 * which ports can be opened; 0 when out of memory. */
uint64_t io_bitmaps_create(void);

/* Lets the guest reach ports [first, first + count) without an exit. */
void io_bitmaps_open(uint64_t io_bitmaps, uint16_t first, uint32_t count);

/* Sets or clears the exit bits of one MSR in a 4 KiB MSR bitmap; MSRs outside
 * the two ranges the bitmap covers always exit. */
void msr_bitmap_set(uint8_t *bitmap, uint32_t msr, bool exit_on_read, bool exit_on_write);

#endif
