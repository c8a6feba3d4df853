/*
 * The virtual 8259A pair. Register behaviour follows the 8259A data sheet:
 * ICW1 on the command port starts initialization and the data port then
 * takes ICW2 (vector base), ICW3 (cascade, unless single) and ICW4 (when
 * ICW1 asked for it); afterwards the data port is the mask (OCW1) and the
 * command port takes EOIs (OCW2) and read selects (OCW3).
 */
#include "arch/x86_64/vplatform/vpic.h"

#define ICW1_INIT      0x10
#define ICW1_NEED_ICW4 0x01
#define ICW1_SINGLE    0x02
#define ICW4_AUTO_EOI  0x02
#define OCW3_SELECT    0x08
#define OCW3_READ      0x02
#define OCW3_READ_ISR  0x01
#define OCW2_EOI       0x20
#define OCW2_SPECIFIC  0x40
#define CASCADE_LINE   2
#define NO_LINE        8

static void reset_chip(struct vpic_chip *chip, uint8_t vector_base)
{
    *chip = (struct vpic_chip){.imr = 0xff, .vector_base = vector_base};
}

void vpic_reset(struct vpic *pic)
{
    reset_chip(&pic->master, 0x08);
    reset_chip(&pic->slave, 0x70);
}

bool vpic_owns_port(uint16_t port)
{
    return port == VPIC_MASTER_COMMAND || port == VPIC_MASTER_DATA || port == VPIC_SLAVE_COMMAND ||
           port == VPIC_SLAVE_DATA;
}

/* The lowest set bit is the highest priority (IRQ0 first). */
static unsigned highest_priority(uint8_t bits)
{
    return bits ? (unsigned)__builtin_ctz(bits) : NO_LINE;
}

/* The line this chip would raise now, NO_LINE if none: an unmasked request
 * of higher priority than everything in service (fully nested mode). */
static unsigned chip_next(const struct vpic_chip *chip, uint8_t cascade)
{
    unsigned request = highest_priority((chip->irr | cascade) & ~chip->imr);

    return request < highest_priority(chip->isr) ? request : NO_LINE;
}

/* The slave's output, as seen on the master's IRQ2. */
static uint8_t cascade_request(const struct vpic *pic)
{
    if (pic->master.single || chip_next(&pic->slave, 0) == NO_LINE)
        return 0;
    return 1u << CASCADE_LINE;
}

static void start_initialization(struct vpic_chip *chip, uint8_t icw1)
{
    uint8_t base = chip->vector_base, lines = chip->lines;

    *chip = (struct vpic_chip){.vector_base = base, .lines = lines, .init_step = 1};
    chip->icw4_expected = icw1 & ICW1_NEED_ICW4;
    chip->single = icw1 & ICW1_SINGLE;
}

static void end_of_interrupt(struct vpic_chip *chip, uint8_t ocw2)
{
    unsigned line = (ocw2 & OCW2_SPECIFIC) ? (ocw2 & 7u) : highest_priority(chip->isr);

    if (line != NO_LINE)
        chip->isr &= (uint8_t) ~(1u << line);
}

static void write_command(struct vpic_chip *chip, uint8_t value)
{
    if (value & ICW1_INIT)
        start_initialization(chip, value);
    else if (value & OCW3_SELECT) {
        if (value & OCW3_READ)
            chip->read_isr = value & OCW3_READ_ISR;
    } else if (value & OCW2_EOI)
        end_of_interrupt(chip, value);
    /* Rotation and priority commands without EOI change nothing here. */
}

/* ICW2, ICW3 and ICW4 in turn, then the mask. */
static void write_data(struct vpic_chip *chip, uint8_t value)
{
    switch (chip->init_step) {
    case 1:
        chip->vector_base = value & 0xf8;
        chip->init_step = !chip->single ? 2 : chip->icw4_expected ? 3 : 0;
        break;
    case 2: /* ICW3: the wiring is fixed, slave on IRQ2 */
        chip->init_step = chip->icw4_expected ? 3 : 0;
        break;
    case 3:
        chip->auto_eoi = value & ICW4_AUTO_EOI;
        chip->init_step = 0;
        break;
    default:
        chip->imr = value;
        break;
    }
}

static struct vpic_chip *chip_of(struct vpic *pic, uint16_t port)
{
    return (port & 0x80) ? &pic->slave : &pic->master;
}

void vpic_write(struct vpic *pic, uint16_t port, uint8_t value)
{
    struct vpic_chip *chip = chip_of(pic, port);

    spin_lock(&pic->lock);
    if (port & 1)
        write_data(chip, value);
    else
        write_command(chip, value);
    spin_unlock(&pic->lock);
}

uint8_t vpic_read(struct vpic *pic, uint16_t port)
{
    struct vpic_chip *chip = chip_of(pic, port);
    uint8_t value;

    spin_lock(&pic->lock);
    if (port & 1)
        value = chip->imr;
    else
        value = chip->read_isr ? chip->isr : chip->irr;
    spin_unlock(&pic->lock);
    return value;
}

static bool pending_locked(const struct vpic *pic)
{
    return chip_next(&pic->master, cascade_request(pic)) != NO_LINE;
}

/* A rising edge requests an interrupt; the request stays until the CPU takes
 * it, even if the line falls meanwhile. */
bool vpic_set_line(struct vpic *pic, unsigned line, bool high)
{
    struct vpic_chip *chip = line < 8 ? &pic->master : &pic->slave;
    uint8_t bit = (uint8_t)(1u << (line & 7));
    bool pending;

    spin_lock(&pic->lock);
    if (high && !(chip->lines & bit))
        chip->irr |= bit;
    chip->lines = high ? chip->lines | bit : chip->lines & (uint8_t)~bit;
    pending = pending_locked(pic);
    spin_unlock(&pic->lock);
    return pending;
}

bool vpic_pending(struct vpic *pic)
{
    spin_lock(&pic->lock);
    bool pending = pending_locked(pic);
    spin_unlock(&pic->lock);
    return pending;
}

static void take(struct vpic_chip *chip, unsigned line)
{
    uint8_t bit = (uint8_t)(1u << line);

    chip->irr &= (uint8_t)~bit;
    if (!chip->auto_eoi)
        chip->isr |= bit;
}

static int acknowledge_locked(struct vpic *pic)
{
    uint8_t cascade = cascade_request(pic);
    unsigned line = chip_next(&pic->master, cascade);

    if (line == NO_LINE)
        return -1;
    take(&pic->master, line);
    if (line == CASCADE_LINE && cascade) {
        unsigned slave_line = chip_next(&pic->slave, 0);
        take(&pic->slave, slave_line);
        return pic->slave.vector_base + (int)slave_line;
    }
    return pic->master.vector_base + (int)line;
}

int vpic_acknowledge(struct vpic *pic)
{
    spin_lock(&pic->lock);
    int vector = acknowledge_locked(pic);
    spin_unlock(&pic->lock);
    return vector;
}
