#ifndef HV_POWER_H
#define HV_POWER_H

#include <stdbool.h>

#include "drivers/acpi.h"

/* What the privileged partition asked the machine to do once every
 * partition has stopped (HC_MACHINE_CONTROL). */
enum power_action {
    POWER_NONE = 0,
    POWER_OFF,
    POWER_REBOOT,
};

/* Records the request; false when one was recorded already. */
bool power_request(enum power_action action);
enum power_action power_requested(void);

/* Powers the machine off: ACPI S5 when the firmware described it, else the
 * emulator's exit port; halts if neither worked. */
__attribute__((noreturn)) void power_off(const struct acpi_info *acpi, uint64_t tsc_hz);

/* Resets the machine: the FADT's reset register when it has one, else the
 * chipset's reset control port 0xcf9, else the keyboard controller; halts
 * if none worked. */
__attribute__((noreturn)) void power_reset(const struct acpi_info *acpi, uint64_t tsc_hz);

/* on_fault = reboot: from now on a fault of the hypervisor resets the
 * machine once its report is out (the next boot shows it again). */
void power_reboot_on_fault(const struct acpi_info *acpi, uint64_t tsc_hz);

/* Called once a hypervisor fault has been reported: resets the machine
 * when power_reboot_on_fault() asked for it, else returns. */
void power_after_fault(void);

#endif
