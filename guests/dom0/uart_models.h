/* The 16550s dom0 emulates for full partitions (guests/dom0/uart.c is the
 * register logic): one at COM1's ports, one memory-mapped. */
#ifndef GUESTS_DOM0_UART_MODELS_H
#define GUESTS_DOM0_UART_MODELS_H

#include "guests/dom0/models.h"

extern const struct dom0_model uart_com1_model, uart_mmio_model;

#endif
