/* For the IOAPIC unit test: the register window goes to the fake chip in
 * test_ioapic.c instead of memory. */
#ifndef TESTS_UNIT_SHIM_IOAPIC_H
#define TESTS_UNIT_SHIM_IOAPIC_H

#define IOAPIC_WINDOW_HOOKS

#include <stdint.h>

uint32_t ioapic_window_read(volatile uint32_t *window, uint8_t reg);
void ioapic_window_write(volatile uint32_t *window, uint8_t reg, uint32_t value);

#endif
