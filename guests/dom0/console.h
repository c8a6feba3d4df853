/*
 * dom0 as the console backend of pv partitions: the hypervisor maps each
 * partition's console ring into a window of dom0's guest-physical space,
 * and dom0 hands each complete line to the hypervisor as that partition's
 * own (HC_CONSOLE_WRITE_FOR), as its 16550 model does for full partitions.
 * Every ring is hostile memory: indices are read once and checked, bytes
 * are copied out before they are looked at, and a bad index is reported
 * and the ring reset.
 */
#ifndef GUESTS_DOM0_CONSOLE_H
#define GUESTS_DOM0_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "guests/lib/event.h"
#include "include/bulkhead/hypercall.h"

/* A line partition id wrote (without its newline) reaches the log as its
 * own: "[name] text", counted against its console budget. */
void console_print_for(uint32_t id, const char *line);

/* Registers with HC_CONSOLE_SERVER; events on the rings run handler. */
bool console_backend_start(uint64_t memory_bytes, uint8_t vector, event_handler handler);

/* Prints what the rings of the listed partitions hold; releases the rings
 * of partitions that are no longer listed (destroyed). */
void console_backend_serve(const struct hc_partition_entry *partitions, unsigned count);

/* How many partitions' rings are mapped; lines printed; bad indices seen. */
unsigned console_backend_rings(void);

/* Whether partition id's console ring is served here, and a byte typed
 * for it (false when it has no ring or its input is full). */
bool console_backend_has_ring(uint32_t id);
bool console_backend_input(uint32_t id, char byte);
unsigned console_backend_lines(void);
unsigned console_backend_bad_indices(void);

#endif
