/* Exit ports of the emulators Bulkhead is tested in, for machines without
 * ACPI power-off. On real hardware these ports are unused and the writes do
 * nothing. */
#ifndef DRIVERS_EMULATOR_H
#define DRIVERS_EMULATOR_H

#include <stdint.h>

/* Bochs: the string "Shutdown" to port 0x8900. QEMU: isa-debug-exit at 0xf4,
 * which exits with status (code << 1) | 1. */
void emulator_exit(uint8_t code);

#endif
