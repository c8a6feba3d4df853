/* The ACPI power-management timer: a counter in I/O space at 3.579545 MHz,
 * 24 or 32 bits wide (the FADT says which and where). */
#ifndef DRIVERS_PM_TIMER_H
#define DRIVERS_PM_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define PM_TIMER_HZ 3579545u

struct pm_timer {
    uint16_t port;
    uint64_t mask;
};

void pm_timer_init(struct pm_timer *timer, uint16_t port, bool wide);
uint64_t pm_timer_read(const struct pm_timer *timer);

#endif
