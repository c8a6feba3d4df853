/*
 * The few ACPI facts the hypervisor needs: CPUs and IOAPICs from the MADT,
 * the power-off registers from the FADT and the \_S5 sleep type from the
 * DSDT, read through the walker in lib/acpi.h.
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/ioapic.h"
#include "lib/acpi.h"

struct acpi_info {
    bool present;
    uint32_t madt_cpus; /* enabled local APIC / x2APIC entries */
    uint32_t madt_ioapics;
    uint64_t ioapic_address; /* of the IOAPIC whose inputs start at GSI 0; 0: none */
    /* The MADT's interrupt source overrides, by ISA IRQ. */
    struct ioapic_isa_override isa_overrides[IOAPIC_ISA_IRQS];
    bool fadt_found;
    uint32_t pm1a_control; /* I/O ports, 0 when absent */
    uint32_t pm1b_control;
    bool s5_found;
    uint16_t s5_type_a, s5_type_b;
    bool reset_register_found; /* the FADT's reset register, in I/O space */
    uint16_t reset_port;
    uint8_t reset_value;
    /* Clocks to measure the TSC against: 0 when absent. */
    uint64_t hpet_address;  /* the HPET table's register block, in memory space */
    uint16_t pm_timer_port; /* the FADT's PM_TMR_BLK */
    bool pm_timer_32bit;    /* TMR_VAL_EXT: 32 bits wide rather than 24 */
};

/* Returns false (and present = false) when there is no valid RSDP. */
bool acpi_parse(uint64_t rsdp_phys, acpi_map_fn map, struct acpi_info *info);

/* Enters S5 through the PM1 control registers; returns if that failed. */
void acpi_power_off(const struct acpi_info *info);

/* Writes the FADT's reset value to its reset register; returns if there is
 * none or the write did not reset the machine. */
void acpi_reset(const struct acpi_info *info);

/* Finds \_S5's SLP_TYPa/b in AML bytes; exposed for the unit tests. */
bool acpi_find_s5(const uint8_t *aml, uint32_t len, uint16_t *type_a, uint16_t *type_b);

#endif
