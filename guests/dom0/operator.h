/*
 * The operator's serial console. When dom0 owns the hypervisor's serial
 * port (config: devices = serial PORT, the [hypervisor] serial port), it
 * takes the console over: it prints the hypervisor's log (which carries
 * every partition's lines) from the log ring, and what the operator types
 * goes to its shell, or, after `console NAME`, to that partition's
 * emulated UART until Ctrl-] detaches it.
 */
#ifndef GUESTS_DOM0_OPERATOR_H
#define GUESTS_DOM0_OPERATOR_H

#include <stdbool.h>

#include "guests/lib/hypercall.h"
#include "hv/guest_abi.h"

#define OPERATOR_DETACH_KEY 0x1d /* Ctrl-] */

/* Takes the console if one of dom0's serial ports is the hypervisor's;
 * false (and nothing changes) when none is. */
bool operator_console_start(const struct bulkhead_boot_info *info);

/* Prints the log that came since, and handles what was typed. */
void operator_console_poll(void);

/* `console NAME`: what the operator types goes to partition p's UART. */
void operator_console_attach(const struct hc_partition_entry *p);

/* Implemented by the device models (main.c): a byte arrives on partition
 * id's emulated serial line. False when it has none. */
bool dom0_serial_input(uint32_t partition_id, uint8_t byte);

#endif
