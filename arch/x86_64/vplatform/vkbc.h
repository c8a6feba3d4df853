/*
 * The keyboard controller of a full partition that has no keyboard: an
 * i8042 with nothing behind it, there for the reset line a kernel pulls
 * when its other ways to reboot fail. Its status reads "nothing to read,
 * ready for a write", its data port reads 0; a pulse of the reset line
 * (0xfe, or any of 0xf0-0xff with bit 0 clear) or an output-port write
 * (0xd1) whose byte clears the reset bit resets the partition. Everything
 * else is taken and forgotten. The firmware tables do not announce it
 * (no 8042 flag in the FADT), so a kernel does not probe it for a keyboard.
 */
#ifndef ARCH_X86_64_VPLATFORM_VKBC_H
#define ARCH_X86_64_VPLATFORM_VKBC_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/i8042.h"

struct vkbc {
    struct i8042_filter commands; /* the classifier of the real controller's owner */
};

void vkbc_reset(struct vkbc *k);

/* The byte a read of `port` (I8042_DATA_PORT or I8042_COMMAND_PORT) gets. */
uint8_t vkbc_read(uint16_t port);

/* Takes a write; true when it resets the partition. */
bool vkbc_write(struct vkbc *k, uint16_t port, uint8_t value);

#endif
