/*
 * The virtual MC146818. The time-of-day registers are not stored: each
 * read converts the clock's seconds to the calendar, each write converts
 * the edited calendar back and moves the clock's origin.
 */
#include "arch/x86_64/vplatform/vrtc.h"

#include "arch/x86_64/vplatform/vclock.h"
#include "lib/calendar.h"
#include "lib/pc_layout.h"

#define NMI_MASK       0x80
#define REG_SECONDS    0x00
#define REG_MINUTES    0x02
#define REG_HOURS      0x04
#define REG_WEEKDAY    0x06
#define REG_DAY        0x07
#define REG_MONTH      0x08
#define REG_YEAR       0x09
#define REG_A          0x0a
#define REG_B          0x0b
#define REG_C          0x0c
#define REG_D          0x0d
#define REG_CENTURY    0x32
#define A_UPDATE       0x80 /* update in progress: never shown */
#define A_RATE         0x0f
#define B_PERIODIC     0x40
#define B_ALARM        0x20
#define B_UPDATE_ENDED 0x10
#define B_SQUARE_WAVE  0x08
#define B_BINARY       0x04
#define B_24_HOUR      0x02
#define C_IRQ          0x80
#define C_PERIODIC     0x40
#define D_VALID        0x80
#define HOUR_PM        0x80
#define KIB            1024ull
#define MIB            (1024 * KIB)

static int64_t seconds_now(const struct vrtc *rtc, uint64_t now)
{
    return rtc->seconds_at_origin + (int64_t)(now / VCLOCK_HZ);
}

/* ---- register encodings ------------------------------------------------ */

static uint8_t encode(const struct vrtc *rtc, unsigned value)
{
    return (uint8_t)(rtc->cmos[REG_B] & B_BINARY ? value : value / 10 << 4 | value % 10);
}

static unsigned decode(const struct vrtc *rtc, uint8_t value)
{
    return rtc->cmos[REG_B] & B_BINARY ? value : (value >> 4) * 10u + (value & 0xf);
}

static uint8_t encode_hour(const struct vrtc *rtc, unsigned hour)
{
    if (rtc->cmos[REG_B] & B_24_HOUR)
        return encode(rtc, hour);
    unsigned twelve = hour % 12 ? hour % 12 : 12;
    return (uint8_t)(encode(rtc, twelve) | (hour >= 12 ? HOUR_PM : 0));
}

static unsigned decode_hour(const struct vrtc *rtc, uint8_t value)
{
    if (rtc->cmos[REG_B] & B_24_HOUR)
        return decode(rtc, value);
    return decode(rtc, value & ~HOUR_PM) % 12 + (value & HOUR_PM ? 12 : 0);
}

/* ---- reset ------------------------------------------------------------- */

static void store_16(struct vrtc *rtc, unsigned at, uint64_t value)
{
    value = value > 0xffff ? 0xffff : value;
    rtc->cmos[at] = (uint8_t)value;
    rtc->cmos[at + 1] = (uint8_t)(value >> 8);
}

/* Where a PC's firmware records the memory it found: base memory in KiB,
 * extended memory above 1 MiB in KiB (to 64 MiB), above 16 MiB in 64 KiB
 * units, and above 4 GiB in 64 KiB units (0x5b-0x5d, as Bochs and QEMU). */
static void record_memory_sizes(struct vrtc *rtc, uint64_t ram_size)
{
    uint64_t low_end = pc_layout_low_ram_end(ram_size);
    uint64_t high = (ram_size - low_end) >> 16;

    store_16(rtc, 0x15, PC_LOW_RAM_END / KIB);
    store_16(rtc, 0x17, low_end > MIB ? (low_end - MIB) / KIB : 0);
    store_16(rtc, 0x30, low_end > MIB ? (low_end - MIB) / KIB : 0);
    store_16(rtc, 0x34, low_end > 16 * MIB ? (low_end - 16 * MIB) >> 16 : 0);
    rtc->cmos[0x5b] = (uint8_t)high;
    rtc->cmos[0x5c] = (uint8_t)(high >> 8);
    rtc->cmos[0x5d] = (uint8_t)(high >> 16);
}

void vrtc_reset(struct vrtc *rtc, int64_t seconds, uint64_t ram_size)
{
    *rtc = (struct vrtc){.seconds_at_origin = seconds};
    rtc->cmos[REG_A] = 0x26; /* 32.768 kHz time base, 1024 Hz periodic rate */
    rtc->cmos[REG_B] = B_24_HOUR;
    rtc->cmos[REG_D] = D_VALID;
    record_memory_sizes(rtc, ram_size);
}

void vrtc_machine_reset(struct vrtc *rtc, int64_t seconds)
{
    rtc->seconds_at_origin = seconds;
    rtc->cmos[REG_B] &= (uint8_t) ~(B_PERIODIC | B_ALARM | B_UPDATE_ENDED | B_SQUARE_WAVE);
    rtc->cmos[REG_C] = 0;
    rtc->periodic_start = 0;
    rtc->periodic_edges = 0;
}

int64_t vrtc_seconds(const struct vrtc *rtc, uint64_t now)
{
    return seconds_now(rtc, now);
}

/* ---- the periodic interrupt -------------------------------------------- */

/* Rates 1 and 2 divide the 32.768 kHz base like 8 and 9 (data sheet). */
static unsigned rate_shift(const struct vrtc *rtc)
{
    unsigned rate = rtc->cmos[REG_A] & A_RATE;

    return rate < 3 ? rate + 7 - 1 : rate - 1;
}

static bool periodic_armed(const struct vrtc *rtc)
{
    return (rtc->cmos[REG_B] & B_PERIODIC) && (rtc->cmos[REG_A] & A_RATE);
}

static uint64_t period_end(const struct vrtc *rtc, uint64_t periods)
{
    return rtc->periodic_start + vclock_scale(periods << rate_shift(rtc), VCLOCK_HZ, 32768, true);
}

uint64_t vrtc_irq_deadline(const struct vrtc *rtc)
{
    return periodic_armed(rtc) ? period_end(rtc, rtc->periodic_edges + 1) : VRTC_NO_DEADLINE;
}

/* The line stays asserted until register C is read, so a period that ends
 * before then raises no new edge. */
bool vrtc_irq_take(struct vrtc *rtc, uint64_t now)
{
    uint64_t deadline = vrtc_irq_deadline(rtc);

    if (deadline == VRTC_NO_DEADLINE || now < deadline)
        return false;
    while (period_end(rtc, rtc->periodic_edges + 1) <= now)
        rtc->periodic_edges++;
    bool raised = !(rtc->cmos[REG_C] & C_IRQ);
    rtc->cmos[REG_C] |= C_IRQ | C_PERIODIC;
    return raised;
}

/* ---- registers --------------------------------------------------------- */

static bool is_time_register(unsigned reg)
{
    return reg <= REG_YEAR || reg == REG_CENTURY;
}

static uint8_t read_time(const struct vrtc *rtc, unsigned reg, uint64_t now)
{
    struct calendar c = calendar_from_seconds(seconds_now(rtc, now));

    switch (reg) {
    case REG_SECONDS:
        return encode(rtc, c.second);
    case REG_MINUTES:
        return encode(rtc, c.minute);
    case REG_HOURS:
        return encode_hour(rtc, c.hour);
    case REG_WEEKDAY:
        return encode(rtc, c.weekday);
    case REG_DAY:
        return encode(rtc, c.day);
    case REG_MONTH:
        return encode(rtc, c.month);
    case REG_YEAR:
        return encode(rtc, (unsigned)(c.year % 100));
    case REG_CENTURY:
        return encode(rtc, (unsigned)(c.year / 100));
    default:
        return rtc->cmos[reg]; /* the alarm registers */
    }
}

/* The edited calendar becomes the clock; the weekday follows the date. */
static void write_time(struct vrtc *rtc, unsigned reg, uint8_t value, uint64_t now)
{
    struct calendar c = calendar_from_seconds(seconds_now(rtc, now));

    if (reg == REG_SECONDS)
        c.second = decode(rtc, value) % 60;
    else if (reg == REG_MINUTES)
        c.minute = decode(rtc, value) % 60;
    else if (reg == REG_HOURS)
        c.hour = decode_hour(rtc, value) % 24;
    else if (reg == REG_DAY)
        c.day = decode(rtc, value);
    else if (reg == REG_MONTH)
        c.month = decode(rtc, value);
    else if (reg == REG_YEAR)
        c.year = c.year / 100 * 100 + decode(rtc, value) % 100;
    else if (reg == REG_CENTURY)
        c.year = decode(rtc, value) * 100 + c.year % 100;
    else {
        rtc->cmos[reg] = value; /* the alarm registers; the weekday is derived */
        return;
    }
    if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31)
        return;
    rtc->seconds_at_origin = calendar_seconds(&c) - (int64_t)(now / VCLOCK_HZ);
}

static void write_control(struct vrtc *rtc, unsigned reg, uint8_t value, uint64_t now)
{
    bool was_armed = periodic_armed(rtc);
    uint8_t old_rate = rtc->cmos[REG_A] & A_RATE;

    if (reg == REG_A)
        rtc->cmos[REG_A] = value & ~A_UPDATE;
    else
        rtc->cmos[REG_B] = value;
    if (periodic_armed(rtc) && (!was_armed || (rtc->cmos[REG_A] & A_RATE) != old_rate)) {
        rtc->periodic_start = now;
        rtc->periodic_edges = 0;
    }
}

void vrtc_write(struct vrtc *rtc, uint16_t port, uint8_t value, uint64_t now)
{
    if (port == VRTC_INDEX_PORT) {
        rtc->index = value;
        return;
    }
    unsigned reg = rtc->index & ~NMI_MASK;
    if (is_time_register(reg))
        write_time(rtc, reg, value, now);
    else if (reg == REG_A || reg == REG_B)
        write_control(rtc, reg, value, now);
    else if (reg != REG_C && reg != REG_D)
        rtc->cmos[reg] = value;
}

uint8_t vrtc_read(struct vrtc *rtc, uint16_t port, uint64_t now)
{
    if (port == VRTC_INDEX_PORT)
        return rtc->index;
    unsigned reg = rtc->index & ~NMI_MASK;
    if (is_time_register(reg))
        return read_time(rtc, reg, now);
    uint8_t value = rtc->cmos[reg];
    if (reg == REG_C)
        rtc->cmos[REG_C] = 0; /* reading C acknowledges the interrupt */
    return value;
}
