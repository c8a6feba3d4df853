/*
 * Unit tests of the IOAPIC driver (drivers/ioapic.c) against a fake chip
 * behind its register window: a version register and 24 redirection
 * entries. The fake notes when a pin was unmasked while its destination
 * (the high half) was not yet the one finally written.
 */
#include <criterion/criterion.h>
#include <stdbool.h>

#include "drivers/ioapic.h"

#define FAKE_PINS    24
#define FAKE_VERSION (0x20u | (FAKE_PINS - 1) << 16)

static uint32_t fake_window[IOAPIC_WINDOW_SIZE / 4];
static uint32_t version_register;
static uint32_t entries[FAKE_PINS][2];
static unsigned writes;
static bool unmasked_before_destination;
static uint32_t expected_high[FAKE_PINS];

static int entry_index(uint8_t reg, unsigned *half)
{
    if (reg < IOAPIC_REG_REDIRECT || reg >= IOAPIC_REG_REDIRECT + 2 * FAKE_PINS)
        return -1;
    *half = (reg - IOAPIC_REG_REDIRECT) % 2;
    return (reg - IOAPIC_REG_REDIRECT) / 2;
}

uint32_t ioapic_window_read(volatile uint32_t *window, uint8_t reg)
{
    unsigned half;
    int pin = entry_index(reg, &half);

    cr_assert_eq(window, fake_window);
    if (reg == IOAPIC_REG_VERSION)
        return version_register;
    return pin < 0 ? 0 : entries[pin][half];
}

void ioapic_window_write(volatile uint32_t *window, uint8_t reg, uint32_t value)
{
    unsigned half;
    int pin = entry_index(reg, &half);

    cr_assert_eq(window, fake_window);
    writes++;
    if (pin < 0)
        return; /* the version register is read-only */
    entries[pin][half] = value;
    if (half == 0 && !(value & IOAPIC_ENTRY_MASKED) && entries[pin][1] != expected_high[pin])
        unmasked_before_destination = true;
}

static struct ioapic chip;

static void reset(void)
{
    version_register = FAKE_VERSION;
    for (unsigned pin = 0; pin < FAKE_PINS; pin++) {
        entries[pin][0] = 0x30 + pin; /* as firmware may leave them: unmasked */
        entries[pin][1] = 0xff000000u;
        expected_high[pin] = 0;
    }
    writes = 0;
    unmasked_before_destination = false;
    cr_assert(ioapic_init(&chip, fake_window));
}

TestSuite(ioapic, .init = reset);

Test(ioapic, init_reads_the_version_and_the_pin_count)
{
    cr_assert_eq(chip.version, 0x20);
    cr_assert_eq(chip.pin_count, FAKE_PINS);
    cr_assert_eq(writes, 0);
}

Test(ioapic, init_refuses_a_window_that_reads_all_ones)
{
    version_register = 0xffffffffu;
    cr_assert_not(ioapic_init(&chip, fake_window));
    cr_assert_eq(chip.pin_count, 0);
    ioapic_mask_all(&chip); /* no pin: nothing to touch */
    cr_assert_eq(writes, 0);
}

Test(ioapic, an_edge_route_is_fixed_physical_active_high)
{
    struct ioapic_route route = {.vector = 0x33, .apic_id = 2};

    expected_high[3] = 2u << 24;
    cr_assert(ioapic_route_pin(&chip, 3, route));
    cr_assert_eq(entries[3][0], 0x33);
    cr_assert_eq(entries[3][1], 2u << 24);
    cr_assert_eq(ioapic_read_entry(&chip, 3), 0x0200000000000033ull);
    cr_assert_not(unmasked_before_destination);
}

Test(ioapic, a_level_route_sets_trigger_and_polarity)
{
    struct ioapic_route route = {.vector = 0x40, .apic_id = 1, .level = true, .active_low = true};

    cr_assert_eq(ioapic_route_entry(route),
                 0x40 | IOAPIC_ENTRY_LEVEL | IOAPIC_ENTRY_ACTIVE_LOW | 1ull << 56);
}

Test(ioapic, the_destination_is_written_before_the_pin_is_unmasked)
{
    expected_high[5] = 7u << 24;
    cr_assert(ioapic_route_pin(&chip, 5, (struct ioapic_route){.vector = 0x35, .apic_id = 7}));
    cr_assert_not(unmasked_before_destination);
    cr_assert_eq(entries[5][1], 7u << 24);
}

Test(ioapic, routes_to_missing_pins_or_reserved_vectors_are_refused)
{
    cr_assert_not(ioapic_route_pin(&chip, FAKE_PINS, (struct ioapic_route){.vector = 0x40}));
    cr_assert_not(ioapic_route_pin(&chip, 2, (struct ioapic_route){.vector = 0x0f}));
    cr_assert_eq(writes, 0);
}

Test(ioapic, masking_a_pin_keeps_the_rest_of_its_entry)
{
    ioapic_mask_pin(&chip, 4);
    cr_assert_eq(entries[4][0], 0x34 | IOAPIC_ENTRY_MASKED);
    cr_assert_eq(entries[4][1], 0xff000000u);
    ioapic_mask_pin(&chip, FAKE_PINS); /* past the last pin: ignored */
    cr_assert_eq(writes, 1);
}

Test(ioapic, mask_all_masks_every_pin)
{
    ioapic_mask_all(&chip);
    for (unsigned pin = 0; pin < FAKE_PINS; pin++)
        cr_assert(entries[pin][0] & IOAPIC_ENTRY_MASKED, "pin %u", pin);
}

Test(ioapic, a_huge_max_entry_is_capped)
{
    version_register = 0x00ff0011u;
    cr_assert(ioapic_init(&chip, fake_window));
    cr_assert_eq(chip.pin_count, IOAPIC_MAX_PINS);
}

Test(ioapic, unmasking_a_pin_keeps_its_route)
{
    uint64_t level = IOAPIC_ENTRY_LEVEL | IOAPIC_ENTRY_ACTIVE_LOW;

    expected_high[6] = 1u << 24;
    struct ioapic_route route = {.vector = 0x36, .apic_id = 1, .level = true, .active_low = true};
    cr_assert(ioapic_route_pin(&chip, 6, route));
    ioapic_mask_pin(&chip, 6);
    cr_assert_eq(ioapic_read_entry(&chip, 6), 0x36 | level | IOAPIC_ENTRY_MASKED | 1ull << 56);
    ioapic_unmask_pin(&chip, 6);
    cr_assert_eq(ioapic_read_entry(&chip, 6), 0x36 | level | 1ull << 56);
    unsigned before = writes;
    ioapic_unmask_pin(&chip, FAKE_PINS); /* past the last pin: ignored */
    cr_assert_eq(writes, before);
}

Test(ioapic, pci_intx_routes_are_level_active_low_isa_routes_edge_active_high)
{
    struct ioapic_wiring pci = ioapic_irq_wiring(11, true, NULL);
    struct ioapic_wiring isa = ioapic_irq_wiring(4, false, NULL);

    cr_assert(pci.level && pci.active_low);
    cr_assert_not(isa.level || isa.active_low);
    cr_assert_eq(pci.pin, 11);
    cr_assert_eq(isa.pin, 4);
}

/* ---- MADT interrupt source overrides ----------------------------------------- */

static struct ioapic_isa_override overrides[IOAPIC_ISA_IRQS];

Test(ioapic, without_an_override_irq_n_is_pin_n)
{
    struct ioapic_wiring serial = ioapic_irq_wiring(3, false, overrides);
    struct ioapic_wiring pci = ioapic_irq_wiring(10, true, NULL);
    struct ioapic_wiring high = ioapic_irq_wiring(20, true, overrides);

    cr_assert(serial.pin == 3 && !serial.level && !serial.active_low);
    cr_assert(pci.pin == 10 && pci.level && pci.active_low);
    cr_assert(high.pin == 20 && high.level && high.active_low);
}

Test(ioapic, an_override_moves_the_pin_and_sets_trigger_and_polarity)
{
    overrides[0] = (struct ioapic_isa_override){true, 2, 0};
    overrides[10] = (struct ioapic_isa_override){true, 10, 0x000d}; /* level, active high */
    overrides[4] = (struct ioapic_isa_override){true, 4, 0x000f};   /* level, active low */
    struct ioapic_wiring timer = ioapic_irq_wiring(0, false, overrides);
    struct ioapic_wiring pci = ioapic_irq_wiring(10, true, overrides);
    struct ioapic_wiring serial = ioapic_irq_wiring(4, false, overrides);

    cr_assert(timer.pin == 2 && !timer.level && !timer.active_low, "conforming keeps the bus's");
    cr_assert(pci.pin == 10 && pci.level && !pci.active_low);
    cr_assert(serial.pin == 4 && serial.level && serial.active_low);
    memset(overrides, 0, sizeof(overrides));
}

Test(ioapic, reserved_override_flags_keep_the_default)
{
    overrides[11] = (struct ioapic_isa_override){true, 11, 0x000a}; /* both "reserved" */
    struct ioapic_wiring pci = ioapic_irq_wiring(11, true, overrides);

    cr_assert(pci.level && pci.active_low);
    memset(overrides, 0, sizeof(overrides));
}
