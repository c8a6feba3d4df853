#include "arch/x86_64/vplatform/vacpi.h"

#include "lib/acpi_tables.h"
#include "lib/pc_layout.h"

#define PM1_STATUS      (PC_PM1A_EVENT_PORT)
#define PM1_ENABLE      (PC_PM1A_EVENT_PORT + 2)
#define PM1_CONTROL     (PC_PM1A_CONTROL_PORT)
#define PM_TIMER        (PC_PM_TIMER_PORT)
#define PM_TIMER_LENGTH 4

void vacpi_reset(struct vacpi *acpi)
{
    *acpi = (struct vacpi){.pm1_control = VACPI_SCI_EN};
}

static bool in(uint16_t port, uint16_t first, unsigned count)
{
    return port >= first && port < first + count;
}

bool vacpi_owns_port(uint16_t port)
{
    return in(port, PM1_STATUS, 4) || in(port, PM1_CONTROL, 2) ||
           in(port, PM_TIMER, PM_TIMER_LENGTH) || port == PC_RESET_PORT;
}

/* Whole seconds and the rest apart, so the product never overflows. */
uint32_t vacpi_pm_timer(uint64_t tsc, uint64_t tsc_hz)
{
    if (!tsc_hz)
        return 0;
    uint64_t ticks = tsc / tsc_hz * VACPI_PM_TIMER_HZ + tsc % tsc_hz * VACPI_PM_TIMER_HZ / tsc_hz;
    return (uint32_t)(ticks & VACPI_PM_TIMER_MASK);
}

static uint8_t byte_of(uint32_t value, uint16_t port, uint16_t first)
{
    return (uint8_t)(value >> (8 * (port - first)));
}

uint8_t vacpi_read(const struct vacpi *acpi, uint16_t port, uint64_t tsc, uint64_t tsc_hz)
{
    if (in(port, PM1_STATUS, 2))
        return byte_of(acpi->pm1_status, port, PM1_STATUS);
    if (in(port, PM1_ENABLE, 2))
        return byte_of(acpi->pm1_enable, port, PM1_ENABLE);
    if (in(port, PM1_CONTROL, 2))
        return byte_of(acpi->pm1_control | VACPI_SCI_EN, port, PM1_CONTROL);
    if (in(port, PM_TIMER, PM_TIMER_LENGTH))
        return byte_of(vacpi_pm_timer(tsc, tsc_hz), port, PM_TIMER);
    if (port == PC_RESET_PORT)
        return acpi->reset_control;
    return 0xff;
}

/* Replaces the byte of *reg that port names. */
static uint16_t with_byte(uint16_t reg, uint16_t port, uint16_t first, uint8_t value)
{
    unsigned shift = 8 * (unsigned)(port - first);

    return (uint16_t)((reg & ~(0xffu << shift)) | (uint32_t)value << shift);
}

/* The control block's high byte holds SLP_TYP and SLP_EN: a sleep is asked
 * for when it is written with SLP_EN. Only S5 is offered (\_S5 alone). */
static enum vacpi_action write_control(struct vacpi *acpi, uint16_t port, uint8_t value)
{
    uint16_t control = with_byte(acpi->pm1_control, port, PM1_CONTROL, value);
    bool sleep = port != PM1_CONTROL && (control & VACPI_SLP_EN);

    acpi->pm1_control =
        (uint16_t)((control & VACPI_CONTROL_WRITTEN & ~VACPI_SLP_EN) | VACPI_SCI_EN);
    if (sleep && (control & VACPI_SLP_TYP_MASK) >> VACPI_SLP_TYP_SHIFT == ACPI_S5_SLEEP_TYPE)
        return VACPI_POWER_OFF;
    return VACPI_NOTHING;
}

/* RST_CPU going from 0 to 1 resets; SYS_RST and FULL_RST only choose how. */
static enum vacpi_action write_reset(struct vacpi *acpi, uint8_t value)
{
    bool reset = (value & VACPI_RESET_CPU) && !(acpi->reset_control & VACPI_RESET_CPU);

    acpi->reset_control = value & (VACPI_RESET_SYSTEM | VACPI_RESET_FULL);
    return reset ? VACPI_RESET : VACPI_NOTHING;
}

enum vacpi_action vacpi_write(struct vacpi *acpi, uint16_t port, uint8_t value)
{
    if (in(port, PM1_STATUS, 2)) {
        acpi->pm1_status &= (uint16_t)~with_byte(0, port, PM1_STATUS, value);
    } else if (in(port, PM1_ENABLE, 2)) {
        uint16_t enable = with_byte(acpi->pm1_enable, port, PM1_ENABLE, value);
        acpi->pm1_enable = enable & VACPI_PM1_ENABLEABLE;
    } else if (in(port, PM1_CONTROL, 2)) {
        return write_control(acpi, port, value);
    } else if (port == PC_RESET_PORT) {
        return write_reset(acpi, value);
    }
    return VACPI_NOTHING;
}

bool vacpi_sci_asserted(const struct vacpi *acpi)
{
    return (acpi->pm1_status & acpi->pm1_enable) != 0;
}

bool vacpi_press_power_button(struct vacpi *acpi)
{
    acpi->pm1_status |= VACPI_PM1_POWER_BTN;
    return (acpi->pm1_enable & VACPI_PM1_POWER_BTN) != 0;
}
