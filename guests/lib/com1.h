/*
 * The 16550 UART at COM1 as a PC driver polls it: what the full-
 * virtualization test guests use, which know nothing of Bulkhead and find
 * whatever 16550 the machine (or dom0's device model) gives them.
 */
#ifndef GUESTS_LIB_COM1_H
#define GUESTS_LIB_COM1_H

#include <stdbool.h>
#include <stdint.h>

#define COM1           0x3f8
#define COM1_DATA      (COM1 + 0)
#define COM1_IER       (COM1 + 1)
#define COM1_IIR       (COM1 + 2)
#define COM1_FCR       (COM1 + 2)
#define COM1_LCR       (COM1 + 3)
#define COM1_MCR       (COM1 + 4)
#define COM1_LSR       (COM1 + 5)
#define COM1_SCRATCH   (COM1 + 7)
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define MCR_DTR_RTS    0x03
#define MCR_OUT2       0x08
#define MCR_LOOPBACK   0x10
#define ISA_DEBUG_EXIT 0xf4 /* QEMU's isa-debug-exit, which Bulkhead also offers */

/* A UART is there when the scratch register keeps what was written. */
bool com1_present(void);

/* 115200 baud, 8N1, FIFOs on, no interrupts; MCR as given. */
void com1_init(uint8_t mcr);

/* Each byte after LSR says the transmitter can take it. */
void com1_write(const char *text);

#endif
