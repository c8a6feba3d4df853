/*
 * The virtual I/O APIC's registers and pins, and the MSI form of its
 * messages. Register layout from the 82093AA data sheet; message fields
 * from the Intel SDM Vol. 3A 11.11.
 */
#include "arch/x86_64/vplatform/vioapic.h"

#define ID_WRITABLE        (0xfu << 24)
#define MAX_ENTRY_SHIFT    16
#define ENTRY_LOW_WRITABLE 0x1afffull /* vector, modes, polarity, trigger, mask */
#define ENTRY_HIGH_SHIFT   32
#define FIRST_LEGAL_VECTOR 16

#define MSI_ADDRESS_BASE      0xfee00000ull
#define MSI_ADDRESS_FIXED     0xfff00000ull
#define MSI_ADDRESS_LOGICAL   (1ull << 2)
#define MSI_ADDRESS_HINT      (1ull << 3) /* redirection hint: any named vCPU serves */
#define MSI_DESTINATION_SHIFT 12
#define MSI_DATA_ALLOWED      0x47ffull /* vector, delivery mode, level assert */
#define MSI_DATA_LEVEL        (1ull << 15)

/* ---- messages ------------------------------------------------------------ */

static enum vapic_ipi_kind message_kind(unsigned delivery_mode)
{
    switch (delivery_mode) {
    case VIOAPIC_FIXED:
    case VIOAPIC_LOWEST_PRIORITY:
        return VAPIC_IPI_FIXED;
    case VIOAPIC_NMI:
        return VAPIC_IPI_NMI;
    case VIOAPIC_INIT:
        return VAPIC_IPI_INIT;
    default: /* SMI, ExtINT (the 8259 reaches vCPU 0 itself), reserved */
        return VAPIC_IPI_NONE;
    }
}

static struct vapic_ipi entry_message(uint64_t entry)
{
    unsigned mode = (unsigned)((entry & VIOAPIC_DELIVERY_MODE) >> 8);
    enum vapic_ipi_kind kind = message_kind(mode);
    uint32_t destination = (uint32_t)(entry >> 56);

    return (struct vapic_ipi){
        .kind = kind,
        .shorthand = VAPIC_DEST_FIELD,
        .destination = destination == 0xff ? VAPIC_BROADCAST_ID : destination,
        .vector = kind == VAPIC_IPI_FIXED ? (uint8_t)(entry & VIOAPIC_VECTOR) : 0,
        .logical = entry & VIOAPIC_LOGICAL,
        .lowest_priority = mode == VIOAPIC_LOWEST_PRIORITY,
        .level = kind == VAPIC_IPI_FIXED && (entry & VIOAPIC_LEVEL),
    };
}

bool vioapic_msi_message(uint64_t address, uint64_t data, struct vapic_ipi *message)
{
    uint64_t address_fields = MSI_ADDRESS_FIXED | (0xffull << MSI_DESTINATION_SHIFT) |
                              MSI_ADDRESS_HINT | MSI_ADDRESS_LOGICAL;

    if ((address & MSI_ADDRESS_FIXED) != MSI_ADDRESS_BASE || (address & ~address_fields))
        return false;
    if ((data & ~MSI_DATA_ALLOWED) || (data & MSI_DATA_LEVEL))
        return false;
    unsigned mode = (unsigned)((data >> 8) & 7);
    if (mode == VIOAPIC_EXTINT || message_kind(mode) == VAPIC_IPI_NONE)
        return false;
    if (message_kind(mode) == VAPIC_IPI_FIXED && (data & 0xff) < FIRST_LEGAL_VECTOR)
        return false;
    uint64_t entry = (data & (VIOAPIC_VECTOR | VIOAPIC_DELIVERY_MODE)) |
                     (address & MSI_ADDRESS_LOGICAL ? VIOAPIC_LOGICAL : 0) |
                     ((address >> MSI_DESTINATION_SHIFT) & 0xff) << 56;
    *message = entry_message(entry);
    return true;
}

/* ---- pins ---------------------------------------------------------------- */

static bool pin_asserted(const struct vioapic *io, unsigned pin)
{
    return io->asserted & (1u << pin);
}

/* A level pin holds Remote IRR from its message until the EOI. */
static void send_pin(struct vioapic *io, unsigned pin, const struct vioapic_sink *sink)
{
    uint64_t *entry = &io->redirection[pin];
    struct vapic_ipi message = entry_message(*entry);

    if (message.kind == VAPIC_IPI_NONE)
        return;
    if (*entry & VIOAPIC_LEVEL)
        *entry |= VIOAPIC_REMOTE_IRR;
    sink->deliver(sink->context, &message);
}

/* A level pin that is asserted, unmasked and not waiting for its EOI
 * interrupts (again). */
static void check_level_pin(struct vioapic *io, unsigned pin, const struct vioapic_sink *sink)
{
    uint64_t entry = io->redirection[pin];

    if ((entry & VIOAPIC_LEVEL) && !(entry & (VIOAPIC_MASKED | VIOAPIC_REMOTE_IRR)) &&
        pin_asserted(io, pin))
        send_pin(io, pin, sink);
}

void vioapic_set_line(struct vioapic *io, unsigned pin, bool asserted,
                      const struct vioapic_sink *sink)
{
    if (pin >= VIOAPIC_PINS)
        return;
    spin_lock(&io->lock);
    bool rising = asserted && !pin_asserted(io, pin);
    io->asserted = asserted ? io->asserted | (1u << pin) : io->asserted & ~(1u << pin);
    uint64_t entry = io->redirection[pin];
    if (entry & VIOAPIC_LEVEL)
        check_level_pin(io, pin, sink);
    else if (rising && !(entry & VIOAPIC_MASKED))
        send_pin(io, pin, sink);
    spin_unlock(&io->lock);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector, const struct vioapic_sink *sink)
{
    spin_lock(&io->lock);
    for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
        uint64_t *entry = &io->redirection[pin];
        if (!(*entry & VIOAPIC_REMOTE_IRR) || (*entry & VIOAPIC_VECTOR) != vector)
            continue;
        *entry &= ~VIOAPIC_REMOTE_IRR;
        check_level_pin(io, pin, sink);
    }
    spin_unlock(&io->lock);
}

/* ---- registers ----------------------------------------------------------- */

void vioapic_reset(struct vioapic *io, uint8_t id)
{
    io->id = ((uint32_t)id << 24) & ID_WRITABLE;
    io->select = 0;
    io->asserted = 0;
    for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
        io->redirection[pin] = VIOAPIC_MASKED;
}

/* The redirection entry half a register number selects; false for none. */
static bool entry_half(uint32_t reg, unsigned *pin, bool *high)
{
    if (reg < VIOAPIC_REG_REDIRECTION || reg >= VIOAPIC_REG_REDIRECTION + 2 * VIOAPIC_PINS)
        return false;
    *pin = (reg - VIOAPIC_REG_REDIRECTION) / 2;
    *high = (reg - VIOAPIC_REG_REDIRECTION) % 2;
    return true;
}

/* Absent registers read 0. */
static uint32_t read_register(const struct vioapic *io, uint32_t reg)
{
    unsigned pin;
    bool high;

    if (entry_half(reg, &pin, &high))
        return (uint32_t)(io->redirection[pin] >> (high ? ENTRY_HIGH_SHIFT : 0));
    switch (reg) {
    case VIOAPIC_REG_ID:
    case VIOAPIC_REG_ARBITRATION: /* the arbitration ID is loaded from the ID */
        return io->id;
    case VIOAPIC_REG_VERSION:
        return VIOAPIC_VERSION | (uint32_t)(VIOAPIC_PINS - 1) << MAX_ENTRY_SHIFT;
    default:
        return 0;
    }
}

/* Delivery status and Remote IRR are read-only; an entry switched to edge
 * forgets Remote IRR, and a level pin unmasked while asserted sends. */
static void write_entry(struct vioapic *io, unsigned pin, bool high, uint32_t value,
                        const struct vioapic_sink *sink)
{
    uint64_t *entry = &io->redirection[pin];

    if (high) {
        *entry =
            (*entry & 0xffffffffull) | ((uint64_t)value << ENTRY_HIGH_SHIFT & VIOAPIC_DESTINATION);
        return;
    }
    uint64_t kept = *entry & ~ENTRY_LOW_WRITABLE & ~0xffffffffull;
    uint64_t remote_irr = *entry & VIOAPIC_REMOTE_IRR;
    *entry = kept | (value & ENTRY_LOW_WRITABLE);
    if (*entry & VIOAPIC_LEVEL)
        *entry |= remote_irr;
    check_level_pin(io, pin, sink);
}

static void write_register(struct vioapic *io, uint32_t reg, uint32_t value,
                           const struct vioapic_sink *sink)
{
    unsigned pin;
    bool high;

    if (entry_half(reg, &pin, &high))
        write_entry(io, pin, high, value, sink);
    else if (reg == VIOAPIC_REG_ID)
        io->id = value & ID_WRITABLE;
}

static bool register_access(uint32_t offset, unsigned size)
{
    return size == 4 && (offset == VIOAPIC_IOREGSEL || offset == VIOAPIC_IOWIN);
}

uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset, unsigned size)
{
    uint32_t value;

    if (!register_access(offset, size))
        return 0;
    spin_lock(&io->lock);
    value = offset == VIOAPIC_IOREGSEL ? io->select : read_register(io, io->select);
    spin_unlock(&io->lock);
    return value;
}

void vioapic_mmio_write(struct vioapic *io, uint32_t offset, unsigned size, uint32_t value,
                        const struct vioapic_sink *sink)
{
    if (!register_access(offset, size))
        return;
    spin_lock(&io->lock);
    if (offset == VIOAPIC_IOREGSEL)
        io->select = value & 0xff;
    else
        write_register(io, io->select, value, sink);
    spin_unlock(&io->lock);
}
