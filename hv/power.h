#ifndef HV_POWER_H
#define HV_POWER_H

#include "drivers/acpi.h"

/* Powers the machine off: ACPI S5 when the firmware described it, else the
 * emulator's exit port; halts if neither worked. */
__attribute__((noreturn)) void power_off(const struct acpi_info *acpi, uint64_t tsc_hz);

#endif
