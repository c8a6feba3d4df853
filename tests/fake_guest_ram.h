/*
 * A served partition's RAM for the tests and fuzz harnesses of dom0's
 * virtio code: FAKE_RAM_SIZE bytes from guest-physical 0 (the includer
 * defines the size), reached as dom0 reaches a partition's RAM, through a
 * guest_ram_access whose every call fails outside the array.
 */
#ifndef TESTS_FAKE_GUEST_RAM_H
#define TESTS_FAKE_GUEST_RAM_H

#include <string.h>

#include "guests/dom0/virtqueue.h"

static uint8_t fake_ram[FAKE_RAM_SIZE];

static bool fake_ram_holds(uint64_t addr, uint64_t length)
{
    return addr < FAKE_RAM_SIZE && length <= FAKE_RAM_SIZE - addr;
}

static bool fake_ram_read(void *context, uint64_t addr, void *buffer, uint32_t length)
{
    (void)context;
    if (!fake_ram_holds(addr, length))
        return false;
    memcpy(buffer, fake_ram + addr, length);
    return true;
}

static bool fake_ram_write(void *context, uint64_t addr, const void *buffer, uint32_t length)
{
    (void)context;
    if (!fake_ram_holds(addr, length))
        return false;
    memcpy(fake_ram + addr, buffer, length);
    return true;
}

static bool fake_ram_contains(void *context, uint64_t addr, uint64_t length)
{
    (void)context;
    return fake_ram_holds(addr, length);
}

static const struct guest_ram_access fake_ram_access = {NULL, fake_ram_read, fake_ram_write,
                                                        fake_ram_contains};

#endif
