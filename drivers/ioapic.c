#include "drivers/ioapic.h"

#define IOREGSEL 0 /* in 32-bit words from the window's base */
#define IOWIN    4 /* byte offset 0x10 */

#define VERSION_MASK       0xffu
#define MAX_ENTRY_SHIFT    16
#define MAX_ENTRY_MASK     0xffu
#define VECTOR_FIRST_VALID 0x10

#ifndef IOAPIC_WINDOW_HOOKS
static uint32_t ioapic_window_read(volatile uint32_t *window, uint8_t reg)
{
    window[IOREGSEL] = reg;
    return window[IOWIN];
}

static void ioapic_window_write(volatile uint32_t *window, uint8_t reg, uint32_t value)
{
    window[IOREGSEL] = reg;
    window[IOWIN] = value;
}
#endif

static uint8_t entry_register(unsigned pin)
{
    return (uint8_t)(IOAPIC_REG_REDIRECT + 2 * pin);
}

bool ioapic_init(struct ioapic *ioapic, volatile uint32_t *window)
{
    uint32_t version = ioapic_window_read(window, IOAPIC_REG_VERSION);
    unsigned pins = ((version >> MAX_ENTRY_SHIFT) & MAX_ENTRY_MASK) + 1;

    *ioapic = (struct ioapic){window, 0, 0};
    if (version == 0xffffffffu)
        return false;
    ioapic->version = (uint8_t)(version & VERSION_MASK);
    ioapic->pin_count = pins > IOAPIC_MAX_PINS ? IOAPIC_MAX_PINS : pins;
    return true;
}

uint64_t ioapic_read_entry(const struct ioapic *ioapic, unsigned pin)
{
    uint8_t reg = entry_register(pin);
    uint64_t low = ioapic_window_read(ioapic->window, reg);

    return low | (uint64_t)ioapic_window_read(ioapic->window, (uint8_t)(reg + 1)) << 32;
}

/* The low half holds the mask bit: it goes last, so a pin is unmasked only
 * once its destination is in place, and it is masked first below. */
void ioapic_write_entry(const struct ioapic *ioapic, unsigned pin, uint64_t entry)
{
    uint8_t reg = entry_register(pin);

    ioapic_window_write(ioapic->window, reg, (uint32_t)IOAPIC_ENTRY_MASKED);
    ioapic_window_write(ioapic->window, (uint8_t)(reg + 1), (uint32_t)(entry >> 32));
    ioapic_window_write(ioapic->window, reg, (uint32_t)entry);
}

uint64_t ioapic_route_entry(struct ioapic_route route)
{
    uint64_t entry = route.vector | (uint64_t)route.apic_id << IOAPIC_ENTRY_DEST_SHIFT;

    if (route.level)
        entry |= IOAPIC_ENTRY_LEVEL;
    if (route.active_low)
        entry |= IOAPIC_ENTRY_ACTIVE_LOW;
    return entry;
}

bool ioapic_route_pin(const struct ioapic *ioapic, unsigned pin, struct ioapic_route route)
{
    if (pin >= ioapic->pin_count || route.vector < VECTOR_FIRST_VALID)
        return false;
    ioapic_write_entry(ioapic, pin, ioapic_route_entry(route));
    return true;
}

void ioapic_mask_pin(const struct ioapic *ioapic, unsigned pin)
{
    if (pin >= ioapic->pin_count)
        return;
    uint8_t reg = entry_register(pin);
    uint32_t low = ioapic_window_read(ioapic->window, reg);

    ioapic_window_write(ioapic->window, reg, low | (uint32_t)IOAPIC_ENTRY_MASKED);
}

void ioapic_unmask_pin(const struct ioapic *ioapic, unsigned pin)
{
    if (pin >= ioapic->pin_count)
        return;
    uint8_t reg = entry_register(pin);
    uint32_t low = ioapic_window_read(ioapic->window, reg);

    ioapic_window_write(ioapic->window, reg, low & ~(uint32_t)IOAPIC_ENTRY_MASKED);
}

#define INTI_POLARITY_MASK 0x3u
#define INTI_ACTIVE_HIGH   0x1u
#define INTI_ACTIVE_LOW    0x3u
#define INTI_TRIGGER_SHIFT 2
#define INTI_EDGE          0x1u
#define INTI_LEVEL         0x3u

struct ioapic_wiring ioapic_irq_wiring(unsigned irq, bool pci_intx,
                                       const struct ioapic_isa_override *overrides)
{
    struct ioapic_wiring wiring = {irq, pci_intx, pci_intx};
    const struct ioapic_isa_override *o =
        overrides && irq < IOAPIC_ISA_IRQS && overrides[irq].present ? &overrides[irq] : 0;

    if (!o)
        return wiring;
    unsigned polarity = o->flags & INTI_POLARITY_MASK;
    unsigned trigger = (o->flags >> INTI_TRIGGER_SHIFT) & INTI_POLARITY_MASK;

    wiring.pin = o->gsi;
    if (polarity == INTI_ACTIVE_HIGH || polarity == INTI_ACTIVE_LOW)
        wiring.active_low = polarity == INTI_ACTIVE_LOW;
    if (trigger == INTI_EDGE || trigger == INTI_LEVEL)
        wiring.level = trigger == INTI_LEVEL;
    return wiring;
}

void ioapic_mask_all(const struct ioapic *ioapic)
{
    for (unsigned pin = 0; pin < ioapic->pin_count; pin++)
        ioapic_mask_pin(ioapic, pin);
}
