/*
 * The ACPI fixed hardware of a full partition, at the ports its FADT names
 * (lib/pc_layout.h): the PM1a event block (status, write 1 to clear, and
 * enable), the PM1a control block (SCI_EN always set: there is no SMI
 * command port, ACPI is always on; SLP_TYP = S5 with SLP_EN powers the
 * partition off), the 24-bit PM timer at 3.579545 MHz, derived from the
 * TSC, and the reset control register at 0xCF9. Pure register logic: the
 * caller passes the TSC and its rate and acts on what a write asks for
 * (power off, reset, a change of the SCI line), so it runs unchanged in
 * host unit tests.
 */
#ifndef ARCH_X86_64_VPLATFORM_VACPI_H
#define ARCH_X86_64_VPLATFORM_VACPI_H

#include <stdbool.h>
#include <stdint.h>

#define VACPI_PM_TIMER_HZ   3579545ull
#define VACPI_PM_TIMER_MASK 0xffffffu

/* PM1 status and enable bits (ACPI 6.5, 4.8.3.1). */
#define VACPI_PM1_TIMER     (1u << 0)
#define VACPI_PM1_GLOBAL    (1u << 5)
#define VACPI_PM1_POWER_BTN (1u << 8)
#define VACPI_PM1_RTC       (1u << 10)
#define VACPI_PM1_WAKE      (1u << 15) /* status only */
#define VACPI_PM1_ENABLEABLE                                                                       \
    (VACPI_PM1_TIMER | VACPI_PM1_GLOBAL | VACPI_PM1_POWER_BTN | VACPI_PM1_RTC)

/* PM1 control bits (ACPI 6.5, 4.8.3.2). */
#define VACPI_SCI_EN          (1u << 0)
#define VACPI_SLP_TYP_SHIFT   10
#define VACPI_SLP_TYP_MASK    (7u << VACPI_SLP_TYP_SHIFT)
#define VACPI_SLP_EN          (1u << 13)
#define VACPI_CONTROL_WRITTEN 0x3fffu /* SLP_EN is write-only, bits 14-15 reserved */

/* Reset control register at 0xCF9: RST_CPU with SYS_RST or alone resets. */
#define VACPI_RESET_SYSTEM (1u << 1)
#define VACPI_RESET_CPU    (1u << 2)
#define VACPI_RESET_FULL   (1u << 3)

struct vacpi {
    uint16_t pm1_status, pm1_enable, pm1_control;
    uint8_t reset_control;
    bool sci_high; /* what the caller last drove the SCI line to */
};

enum vacpi_action {
    VACPI_NOTHING = 0,
    VACPI_POWER_OFF, /* S5 entered */
    VACPI_RESET,     /* the reset register asked for a reset */
};

void vacpi_reset(struct vacpi *acpi);

/* Whether port (one byte of it) belongs to the model. */
bool vacpi_owns_port(uint16_t port);

/* One byte at a port the model owns; tsc and tsc_hz drive the PM timer. */
uint8_t vacpi_read(const struct vacpi *acpi, uint16_t port, uint64_t tsc, uint64_t tsc_hz);
enum vacpi_action vacpi_write(struct vacpi *acpi, uint16_t port, uint8_t value);

/* The PM timer's 24 bits at TSC value tsc. */
uint32_t vacpi_pm_timer(uint64_t tsc, uint64_t tsc_hz);

/* Whether the SCI line is to be high: an enabled event's status is set. */
bool vacpi_sci_asserted(const struct vacpi *acpi);

/* The power button was pressed (by the operator): sets PWRBTN_STS;
 * whether the guest has enabled its event. */
bool vacpi_press_power_button(struct vacpi *acpi);

#endif
