/* The ACPI fixed hardware of a full partition: PM1 event and control
 * blocks, the PM timer, the reset register. */
#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vacpi.h"
#include "lib/acpi_tables.h"
#include "lib/pc_layout.h"

#define TSC_HZ 2000000000ull /* a 2 GHz TSC */

static struct vacpi acpi;

static void fresh(void)
{
    vacpi_reset(&acpi);
}

static enum vacpi_action write16(uint16_t port, uint16_t value)
{
    enum vacpi_action first = vacpi_write(&acpi, port, (uint8_t)value);
    enum vacpi_action second = vacpi_write(&acpi, (uint16_t)(port + 1), (uint8_t)(value >> 8));

    return first ? first : second;
}

static uint16_t read16(uint16_t port)
{
    return (uint16_t)(vacpi_read(&acpi, port, 0, TSC_HZ) |
                      vacpi_read(&acpi, (uint16_t)(port + 1), 0, TSC_HZ) << 8);
}

static uint32_t read_timer(uint64_t tsc)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < 4; i++)
        value |= (uint32_t)vacpi_read(&acpi, (uint16_t)(PC_PM_TIMER_PORT + i), tsc, TSC_HZ)
                 << (8 * i);
    return value;
}

#define PM1_STATUS  PC_PM1A_EVENT_PORT
#define PM1_ENABLE  (PC_PM1A_EVENT_PORT + 2)
#define PM1_CONTROL PC_PM1A_CONTROL_PORT
#define S5          ((uint16_t)(ACPI_S5_SLEEP_TYPE << VACPI_SLP_TYP_SHIFT))

TestSuite(vacpi, .init = fresh);

Test(vacpi, owns_exactly_the_fadt_ports)
{
    for (uint16_t port = PC_PM1A_EVENT_PORT; port < PC_PM_TIMER_PORT + 4; port++)
        cr_assert_eq(vacpi_owns_port(port), port != 0x606 && port != 0x607, "port %#x", port);
    cr_assert(vacpi_owns_port(PC_RESET_PORT));
    cr_assert_not(vacpi_owns_port(PC_RESET_PORT - 1));
    cr_assert_not(vacpi_owns_port(PC_PM1A_EVENT_PORT - 1));
    cr_assert_not(vacpi_owns_port(PC_PM_TIMER_PORT + 4));
}

Test(vacpi, sci_en_always_reads_1)
{
    cr_assert_eq(read16(PM1_CONTROL) & VACPI_SCI_EN, VACPI_SCI_EN);
    write16(PM1_CONTROL, 0);
    cr_assert_eq(read16(PM1_CONTROL) & VACPI_SCI_EN, VACPI_SCI_EN, "ACPI stays enabled");
}

Test(vacpi, s5_with_slp_en_powers_off)
{
    cr_assert_eq(write16(PM1_CONTROL, S5 | VACPI_SLP_EN), VACPI_POWER_OFF);
}

Test(vacpi, s5_without_slp_en_only_sets_the_type)
{
    cr_assert_eq(write16(PM1_CONTROL, S5), VACPI_NOTHING);
    cr_assert_eq(read16(PM1_CONTROL) & VACPI_SLP_TYP_MASK, S5);
    cr_assert_eq(vacpi_write(&acpi, PM1_CONTROL + 1, (uint8_t)((S5 | VACPI_SLP_EN) >> 8)),
                 VACPI_POWER_OFF, "SLP_EN in the high byte alone");
}

Test(vacpi, other_sleep_types_do_nothing)
{
    for (unsigned type = 0; type < 8; type++) {
        if (type == ACPI_S5_SLEEP_TYPE)
            continue;
        cr_assert_eq(write16(PM1_CONTROL, (uint16_t)(type << VACPI_SLP_TYP_SHIFT) | VACPI_SLP_EN),
                     VACPI_NOTHING, "SLP_TYP %u", type);
    }
}

Test(vacpi, slp_en_reads_0)
{
    write16(PM1_CONTROL, (uint16_t)(1u << VACPI_SLP_TYP_SHIFT) | VACPI_SLP_EN);
    cr_assert_eq(read16(PM1_CONTROL) & VACPI_SLP_EN, 0);
}

Test(vacpi, status_bits_clear_when_1_is_written)
{
    vacpi_press_power_button(&acpi);
    cr_assert_eq(read16(PM1_STATUS), VACPI_PM1_POWER_BTN);
    write16(PM1_STATUS, 0);
    cr_assert_eq(read16(PM1_STATUS), VACPI_PM1_POWER_BTN, "writing 0 leaves it");
    write16(PM1_STATUS, VACPI_PM1_TIMER);
    cr_assert_eq(read16(PM1_STATUS), VACPI_PM1_POWER_BTN, "writing another bit leaves it");
    write16(PM1_STATUS, VACPI_PM1_POWER_BTN);
    cr_assert_eq(read16(PM1_STATUS), 0);
}

Test(vacpi, sci_follows_status_and_enable)
{
    cr_assert_not(vacpi_press_power_button(&acpi), "the guest does not listen yet");
    cr_assert_not(vacpi_sci_asserted(&acpi), "not enabled yet");
    write16(PM1_ENABLE, VACPI_PM1_POWER_BTN);
    cr_assert(vacpi_press_power_button(&acpi), "now it does");
    cr_assert_eq(read16(PM1_ENABLE), VACPI_PM1_POWER_BTN);
    cr_assert(vacpi_sci_asserted(&acpi));
    write16(PM1_STATUS, VACPI_PM1_POWER_BTN);
    cr_assert_not(vacpi_sci_asserted(&acpi), "cleared by the handler");
}

Test(vacpi, enable_keeps_only_real_events)
{
    write16(PM1_ENABLE, 0xffff);
    cr_assert_eq(read16(PM1_ENABLE), VACPI_PM1_ENABLEABLE);
}

Test(vacpi, reset_clears_everything)
{
    vacpi_press_power_button(&acpi);
    write16(PM1_ENABLE, VACPI_PM1_POWER_BTN);
    vacpi_reset(&acpi);
    cr_assert_eq(read16(PM1_STATUS), 0);
    cr_assert_eq(read16(PM1_ENABLE), 0);
    cr_assert_eq(read16(PM1_CONTROL), VACPI_SCI_EN);
}

/* ---- PM timer ---------------------------------------------------------- */

Test(vacpi, timer_counts_at_3_579545_mhz)
{
    cr_assert_eq(vacpi_pm_timer(0, TSC_HZ), 0);
    cr_assert_eq(vacpi_pm_timer(TSC_HZ / 1000, TSC_HZ), 3579, "one millisecond");
    cr_assert_eq(read_timer(TSC_HZ / 10), 357954, "a tenth of a second");
}

Test(vacpi, timer_is_24_bits_and_wraps)
{
    uint64_t wrap = (1ull << 24) * TSC_HZ / VACPI_PM_TIMER_HZ; /* about 4.69 s */

    cr_assert_lt(read_timer(wrap - TSC_HZ / 1000), 1u << 24);
    cr_assert_gt(read_timer(wrap - TSC_HZ / 1000), (1u << 24) - 4000);
    cr_assert_lt(read_timer(wrap + TSC_HZ / 1000), 4000);
    cr_assert_eq(read_timer(~0ull) >> 24, 0);
}

/* Monotonic between wraps, also after years of TSC (no overflow). */
Test(vacpi, timer_never_goes_back)
{
    uint64_t start = 100ull * 365 * 24 * 3600 * TSC_HZ; /* a century */
    uint32_t last = vacpi_pm_timer(start, TSC_HZ);
    unsigned __int128 exact = (unsigned __int128)start * VACPI_PM_TIMER_HZ / TSC_HZ;

    cr_assert_eq(last, (uint32_t)exact & VACPI_PM_TIMER_MASK, "no overflow");

    for (uint64_t tsc = start; tsc < start + TSC_HZ; tsc += 997) {
        uint32_t now = vacpi_pm_timer(tsc, TSC_HZ);
        cr_assert((now - last) % (1u << 24) < 8, "at %llu", (unsigned long long)tsc);
        last = now;
    }
}

Test(vacpi, timer_without_a_tsc_rate_reads_0)
{
    cr_assert_eq(vacpi_pm_timer(12345, 0), 0);
}

/* ---- reset register ------------------------------------------------------ */

Test(vacpi, reset_values_6_and_e_reset)
{
    cr_assert_eq(vacpi_write(&acpi, PC_RESET_PORT, 0x06), VACPI_RESET);
    fresh();
    cr_assert_eq(vacpi_write(&acpi, PC_RESET_PORT, 0x0e), VACPI_RESET);
}

Test(vacpi, sys_rst_alone_only_prepares)
{
    cr_assert_eq(vacpi_write(&acpi, PC_RESET_PORT, 0x02), VACPI_NOTHING);
    cr_assert_eq(vacpi_read(&acpi, PC_RESET_PORT, 0, TSC_HZ), 0x02);
    cr_assert_eq(vacpi_write(&acpi, PC_RESET_PORT, 0x06), VACPI_RESET, "then RST_CPU resets");
}

Test(vacpi, rst_cpu_reads_back_0)
{
    vacpi_write(&acpi, PC_RESET_PORT, 0x0e);
    cr_assert_eq(vacpi_read(&acpi, PC_RESET_PORT, 0, TSC_HZ), 0x0a);
    cr_assert_eq(vacpi_write(&acpi, PC_RESET_PORT, 0x06), VACPI_RESET, "each write of it resets");
}
