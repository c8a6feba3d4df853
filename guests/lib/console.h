/*
 * Console output through the port named in the boot info. The hypervisor
 * prints each line under the partition's name, so write whole lines ending
 * in '\n', short enough to read at a glance.
 */
#ifndef GUESTS_LIB_CONSOLE_H
#define GUESTS_LIB_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* port 0 means the partition has no console: output is dropped. */
void console_init(uint16_t port);

void console_write(const char *text, size_t length);

/* The conversions of hv/format.h; a line longer than CONSOLE_LINE_MAX is cut. */
#define CONSOLE_LINE_MAX 256
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
