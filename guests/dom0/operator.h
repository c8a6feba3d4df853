/*
 * The operator's serial console. When dom0 owns the hypervisor's serial
 * port (config: devices = serial PORT, the [hypervisor] serial port), it
 * takes the console over: it prints the hypervisor's log (which carries
 * every partition's lines) from the log ring, and what the operator types
 * goes to its shell, or, after `console NAME`, to that partition's
 * emulated UART until Ctrl-] detaches it. When dom0 owns the framebuffer,
 * the console is drawn there as well, from the start of the log ring on
 * (guests/dom0/screen.h); with the framebuffer but not the serial port,
 * the screen shows the log and the hypervisor keeps the serial line. When
 * dom0 owns a PS/2 keyboard (devices = keyboard), what is typed there goes
 * to the shell too: with `serial = none` in [hypervisor], the screen and
 * the keyboard are the operator's console.
 */
#ifndef GUESTS_DOM0_OPERATOR_H
#define GUESTS_DOM0_OPERATOR_H

#include <stdbool.h>

#include "guests/lib/event.h"
#include "guests/lib/hypercall.h"
#include "include/bulkhead/guest_abi.h"

#define OPERATOR_DETACH_KEY 0x1d /* Ctrl-] */

/* Takes the console if one of dom0's serial ports is the hypervisor's,
 * starts the screen if dom0 owns the framebuffer and the keyboard if it
 * owns one. True when the operator can type at dom0 (it took the serial
 * console, or has a keyboard). A typed byte calls wake when the UART or
 * the keyboard has an IRQ. */
bool operator_console_start(const struct bulkhead_boot_info *info, event_handler wake);

/* Whether typed bytes interrupt (else the caller polls often enough that
 * the UART's 16-byte FIFO does not overflow). */
bool operator_console_input_interrupts(void);

/* Prints the log that came since, and handles what was typed. */
void operator_console_poll(void);

/* Prints the log that came since, leaving what was typed where it is (for
 * a command that takes long: the console shows what happens meanwhile). */
void operator_console_show_log(void);

/* `console NAME`: what the operator types goes to partition p's UART. */
void operator_console_attach(const struct hc_partition_entry *p);

/* Implemented by the device models (uart_models.c): a byte arrives on partition
 * id's emulated serial line. False when it has none. */
bool dom0_serial_input(uint32_t partition_id, uint8_t byte);

#endif
