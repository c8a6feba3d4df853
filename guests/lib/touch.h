/*
 * One access to guest-physical memory the partition does not own, for the
 * hostile-mem-* guests. The hypervisor is expected to stop the partition on
 * it, so these return only when it did not.
 */
#ifndef GUESTS_LIB_TOUCH_H
#define GUESTS_LIB_TOUCH_H

#include <stdint.h>

/* Prints "<guest>: reading 0x<address>", maps the address if the identity
 * map does not reach it, reads 32 bits there and returns them. */
uint32_t touch_read(const char *guest, uint64_t address);

/* The same for a 32-bit write of value. */
void touch_write(const char *guest, uint64_t address, uint32_t value);

#endif
