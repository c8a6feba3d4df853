#include "hv/power.h"

#include "drivers/emulator.h"
#include "drivers/pc_reset.h"
#include "hv/arch.h"
#include "hv/log.h"

static enum power_action requested = POWER_NONE;
/* What a fault of the hypervisor leads to; a reset needs the FADT and the TSC. */
static bool reboot_on_fault;
static const struct acpi_info *fault_acpi;
static uint64_t fault_tsc_hz;

bool power_request(enum power_action action)
{
    enum power_action none = POWER_NONE;

    return __atomic_compare_exchange_n(&requested, &none, action, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

enum power_action power_requested(void)
{
    return __atomic_load_n(&requested, __ATOMIC_ACQUIRE);
}

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
    log_ended_cleanly();
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

void power_reset(const struct acpi_info *acpi, uint64_t tsc_hz)
{
    log_ended_cleanly();
    pc_reset_prepare_chipset();
    if (acpi->reset_register_found) {
        log_line("resetting (acpi)");
        acpi_reset(acpi);
        wait_briefly(tsc_hz);
    }
    log_line("resetting (port 0xcf9)");
    pc_reset_via_control_port();
    wait_briefly(tsc_hz);
    log_line("resetting (keyboard controller)");
    pc_reset_via_keyboard_controller();
    wait_briefly(tsc_hz);
    log_error("reset failed; halting");
    arch_halt_forever();
}

void power_reboot_on_fault(const struct acpi_info *acpi, uint64_t tsc_hz)
{
    fault_acpi = acpi;
    fault_tsc_hz = tsc_hz;
    reboot_on_fault = true;
}

void power_after_fault(void)
{
    if (!reboot_on_fault)
        return;
    log_line("resetting the machine after the fault (on_fault = reboot)");
    power_reset(fault_acpi, fault_tsc_hz);
}
