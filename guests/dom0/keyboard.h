/*
 * dom0's PS/2 keyboard (config `devices = keyboard`): the operator's input
 * when dom0 has no serial console, typed on the machine itself and shown on
 * the framebuffer. Bytes come from the controller (drivers/i8042.c, whose
 * reset and A20 commands the hypervisor keeps), characters from
 * guests/dom0/scancode.c.
 */
#ifndef GUESTS_DOM0_KEYBOARD_H
#define GUESTS_DOM0_KEYBOARD_H

#include <stdbool.h>

#include "guests/lib/event.h"
#include "include/bulkhead/guest_abi.h"

/* Turns the keyboard on if dom0 owns one; a key then calls wake when its
 * IRQ could be bound. True when there is a keyboard to read. */
bool keyboard_start(const struct bulkhead_boot_info *info, event_handler wake);

/* Whether keys interrupt (else the caller polls). */
bool keyboard_interrupts(void);

/* The next character typed, if any. */
bool keyboard_read(char *c);

#endif
