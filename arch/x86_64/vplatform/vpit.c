/*
 * The virtual 8254. Each channel counts from `start` (in ticks); its count
 * and OUT are computed from the ticks elapsed when read, never stepped.
 * Behaviour per mode follows the 8254 data sheet: mode 0 OUT rises at
 * terminal count and stays high; mode 2 OUT is low for the tick the count
 * is 1, then the count reloads; mode 3 is a square wave, high for the first
 * half of the period; mode 4 OUT pulses low for one tick at count 0.
 */
#include "arch/x86_64/vplatform/vpit.h"

#define CONTROL_CHANNEL(v)  ((v) >> 6)
#define CONTROL_ACCESS(v)   (((v) >> 4) & 3)
#define CONTROL_MODE(v)     (((v) >> 1) & 7)
#define CONTROL_READ_BACK   3
#define ACCESS_LATCH        0
#define ACCESS_LSB          1
#define ACCESS_MSB          2
#define ACCESS_WORD         3
#define READ_BACK_NO_COUNT  0x20
#define READ_BACK_NO_STATUS 0x10
#define STATUS_OUT          0x80
#define STATUS_NULL_COUNT   0x40
#define PORT_B_GATE2        0x01
#define PORT_B_SPEAKER      0x02
#define PORT_B_REFRESH      0x10
#define PORT_B_OUT2         0x20
#define REFRESH_TICKS       18 /* about 15 us */

static bool periodic(const struct vpit_channel *c)
{
    return c->mode == 2 || c->mode == 3;
}

void vpit_reset(struct vpit *pit)
{
    *pit = (struct vpit){0};
    for (unsigned i = 0; i < 3; i++)
        pit->channels[i] =
            (struct vpit_channel){.access = ACCESS_WORD, .gate = i != 2, .period = 0x10000};
}

/* Ticks counted since the count was loaded; none while not counting. */
static uint64_t elapsed(const struct vpit_channel *c, uint64_t now)
{
    if (!c->counting)
        return 0;
    if (!c->gate)
        return c->frozen;
    return now > c->start ? now - c->start : 0;
}

static uint16_t count_at(const struct vpit_channel *c, uint64_t now)
{
    uint64_t e = elapsed(c, now);
    uint32_t even = c->period & ~1u;

    if (!c->counting)
        return (uint16_t)c->period;
    if (c->mode == 2)
        return (uint16_t)(c->period - e % c->period);
    if (c->mode == 3) {
        uint64_t phase = e % c->period, high = (c->period + 1) / 2;
        return (uint16_t)(even - 2 * (phase < high ? phase : phase - high));
    }
    return (uint16_t)(c->period - e); /* 0 and 4 wrap past 0 and go on */
}

static bool out_at(const struct vpit_channel *c, uint64_t now)
{
    uint64_t e = elapsed(c, now);

    if (!c->counting)
        return c->mode != 0;
    if (periodic(c) && !c->gate)
        return true;
    switch (c->mode) {
    case 0:
        return e >= c->period;
    case 2:
        return c->period < 2 || e % c->period != c->period - 1;
    case 3:
        return e % c->period < (c->period + 1) / 2;
    default:
        return e != c->period;
    }
}

/* The count register took its last byte: counting starts over. */
static void load(struct vpit_channel *c, uint32_t count, uint64_t now)
{
    c->period = count ? count : 0x10000;
    c->counting = true;
    c->null_count = false;
    c->start = now;
    c->frozen = 0;
    c->edges = 0;
}

static void write_count(struct vpit_channel *c, uint8_t value, uint64_t now)
{
    if (c->access == ACCESS_LSB)
        load(c, value, now);
    else if (c->access == ACCESS_MSB)
        load(c, (uint32_t)value << 8, now);
    else if (!c->write_msb)
        c->written_lsb = value;
    else
        load(c, c->written_lsb | (uint32_t)value << 8, now);
    if (c->access == ACCESS_WORD)
        c->write_msb = !c->write_msb;
}

static uint8_t status_of(const struct vpit_channel *c, uint64_t now)
{
    return (uint8_t)((out_at(c, now) ? STATUS_OUT : 0) | (c->null_count ? STATUS_NULL_COUNT : 0) |
                     c->access << 4 | c->mode << 1 | c->bcd);
}

/* A later latch before the first is read changes nothing (data sheet). */
static void latch_count(struct vpit_channel *c, uint64_t now)
{
    if (c->latched)
        return;
    c->latch = count_at(c, now);
    c->latched = true;
    c->latch_msb = c->access == ACCESS_MSB;
}

static void latch_status(struct vpit_channel *c, uint64_t now)
{
    if (c->status_latched)
        return;
    c->status = status_of(c, now);
    c->status_latched = true;
}

static void read_back(struct vpit *pit, uint8_t value, uint64_t now)
{
    for (unsigned i = 0; i < 3; i++) {
        if (!(value & (2u << i)))
            continue;
        if (!(value & READ_BACK_NO_STATUS))
            latch_status(&pit->channels[i], now);
        if (!(value & READ_BACK_NO_COUNT))
            latch_count(&pit->channels[i], now);
    }
}

static void write_control(struct vpit *pit, uint8_t value, uint64_t now)
{
    if (CONTROL_CHANNEL(value) == CONTROL_READ_BACK) {
        read_back(pit, value, now);
        return;
    }
    struct vpit_channel *c = &pit->channels[CONTROL_CHANNEL(value)];
    if (CONTROL_ACCESS(value) == ACCESS_LATCH) {
        latch_count(c, now);
        return;
    }
    uint8_t mode = CONTROL_MODE(value);
    c->mode = mode >= 6 ? mode - 4 : mode == 1 ? 0 : mode == 5 ? 4 : mode;
    c->access = CONTROL_ACCESS(value);
    c->bcd = value & 1;
    c->counting = false;
    c->null_count = true;
    c->write_msb = c->read_msb = false;
    c->latched = c->status_latched = false;
}

void vpit_write(struct vpit *pit, uint16_t port, uint8_t value, uint64_t now)
{
    if (port == VPIT_CONTROL_PORT)
        write_control(pit, value, now);
    else if (port >= VPIT_CHANNEL0_PORT && port < VPIT_CONTROL_PORT)
        write_count(&pit->channels[port - VPIT_CHANNEL0_PORT], value, now);
}

static uint8_t read_latched(struct vpit_channel *c)
{
    uint8_t byte = (uint8_t)(c->latch_msb ? c->latch >> 8 : c->latch);

    if (c->access == ACCESS_WORD && !c->latch_msb)
        c->latch_msb = true;
    else
        c->latched = false;
    return byte;
}

static uint8_t read_live(struct vpit_channel *c, uint64_t now)
{
    uint16_t count = count_at(c, now);
    bool msb = c->access == ACCESS_MSB || (c->access == ACCESS_WORD && c->read_msb);

    if (c->access == ACCESS_WORD)
        c->read_msb = !c->read_msb;
    return (uint8_t)(msb ? count >> 8 : count);
}

uint8_t vpit_read(struct vpit *pit, uint16_t port, uint64_t now)
{
    if (port < VPIT_CHANNEL0_PORT || port >= VPIT_CONTROL_PORT)
        return 0xff; /* the control port cannot be read */
    struct vpit_channel *c = &pit->channels[port - VPIT_CHANNEL0_PORT];
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    return c->latched ? read_latched(c) : read_live(c, now);
}

uint8_t vpit_read_port_b(const struct vpit *pit, uint64_t now)
{
    const struct vpit_channel *c = &pit->channels[2];

    return (uint8_t)((c->gate ? PORT_B_GATE2 : 0) | (pit->speaker_data ? PORT_B_SPEAKER : 0) |
                     (now / REFRESH_TICKS % 2 ? PORT_B_REFRESH : 0) |
                     (out_at(c, now) ? PORT_B_OUT2 : 0));
}

/* A low gate holds the count; a rising one resumes modes 0 and 4 where
 * they stopped and restarts the period of modes 2 and 3. */
static void set_gate(struct vpit_channel *c, bool gate, uint64_t now)
{
    if (gate == c->gate)
        return;
    if (!gate) {
        c->frozen = elapsed(c, now);
    } else {
        c->start = now - (periodic(c) ? 0 : c->frozen);
        c->edges = 0;
    }
    c->gate = gate;
}

void vpit_write_port_b(struct vpit *pit, uint8_t value, uint64_t now)
{
    set_gate(&pit->channels[2], value & PORT_B_GATE2, now);
    pit->speaker_data = value & PORT_B_SPEAKER;
}

/* Channel 0's OUT rises at the end of each period in modes 2 and 3, once
 * at terminal count in mode 0, once after the strobe in mode 4. */
uint64_t vpit_irq_deadline(const struct vpit *pit)
{
    const struct vpit_channel *c = &pit->channels[0];

    if (!c->counting)
        return VPIT_NO_DEADLINE;
    if (periodic(c))
        return c->start + (c->edges + 1) * c->period;
    if (c->edges)
        return VPIT_NO_DEADLINE;
    return c->start + c->period + (c->mode == 4);
}

bool vpit_irq_take(struct vpit *pit, uint64_t now)
{
    struct vpit_channel *c = &pit->channels[0];
    uint64_t deadline = vpit_irq_deadline(pit);

    if (deadline == VPIT_NO_DEADLINE || now < deadline)
        return false;
    c->edges = periodic(c) ? (now - c->start) / c->period : 1;
    return true;
}
