/*
 * Console output. A pv partition whose boot info names a console ring
 * writes into it while a console backend (dom0) is connected, and dom0
 * prints each line under the partition's name; otherwise the bytes go to
 * the console port named in the boot info and the hypervisor prints them.
 * Either way, write whole lines ending in '\n', short enough to read at a
 * glance.
 */
#ifndef GUESTS_LIB_CONSOLE_H
#define GUESTS_LIB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/bulkhead/guest_abi.h"

/* port 0 means the partition has no console: output is dropped. */
void console_init(uint16_t port);

/* The console ring of the boot info (address 0: none) and the event port
 * that tells the backend about new bytes. */
void console_use_ring(uint64_t address, uint32_t port);

/* Whether output goes through the ring now: a backend maps it. */
bool console_ring_connected(void);

/* For tests and benchmarks: the ring (0 when there is none), its port,
 * and the bytes dropped because it stayed full. */
volatile struct guest_console_ring *console_ring(void);
uint32_t console_ring_event_port(void);
unsigned long long console_ring_dropped(void);

/* Through the ring when connected (waiting a bounded time while it is
 * full), else through the port. */
void console_write(const char *text, size_t length);

/* Up to `max` bytes the operator typed for this partition (dom0's
 * `console NAME`), without waiting; 0 when none came or there is no ring. */
size_t console_read(char *buffer, size_t max);

/* The conversions of lib/format.h; a line longer than CONSOLE_LINE_MAX is cut. */
#define CONSOLE_LINE_MAX 256
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
