#include "hv/power.h"

#include "drivers/emulator.h"
#include "hv/arch.h"
#include "hv/log.h"

/* Gives the chipset time to act on a power-off write before trying the next
 * way (a tenth of a second). */
static void wait_briefly(uint64_t tsc_hz)
{
    uint64_t until = arch_read_tsc() + tsc_hz / 10;

    while (arch_read_tsc() < until)
        ;
}

void power_off(const struct acpi_info *acpi, uint64_t tsc_hz)
{
    if (acpi->fadt_found && acpi->s5_found) {
        log_line("powering off (acpi)");
        acpi_power_off(acpi);
        wait_briefly(tsc_hz);
    }
    log_line("powering off (emulator)");
    emulator_exit(0);
    wait_briefly(tsc_hz);
    log_error("power-off failed; halting");
    arch_halt_forever();
}
