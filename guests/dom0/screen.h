/*
 * The framebuffer dom0 owns (config: devices = framebuffer). Once dom0
 * runs, the console it prints on the serial line is drawn there too, with
 * drivers/fbcon.c, the hypervisor's own text console: the screen of the
 * machine shows the log of every partition, and dom0's shell.
 */
#ifndef GUESTS_DOM0_SCREEN_H
#define GUESTS_DOM0_SCREEN_H

#include <stdbool.h>

#include "include/bulkhead/guest_abi.h"

/* Maps and clears the framebuffer; false (and nothing drawn, ever) when
 * dom0 does not own one or it cannot be used. */
bool screen_start(const struct bulkhead_boot_info *info);

/* Draws text at the cursor; nothing when the screen was not started. */
void screen_write(const char *text, unsigned length);

#endif
