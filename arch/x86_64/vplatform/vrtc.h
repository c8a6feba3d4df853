/*
 * A virtual MC146818 real-time clock and its CMOS RAM (index port 0x70,
 * data port 0x71), for full partitions. Bit 7 of the index is the PC's
 * NMI mask: kept, so it reads back, and otherwise ignored.
 *
 * The time of day is seconds since 1970 at the clock's origin plus the
 * ticks passed in (vclock.h), so it advances with the TSC; registers 0-9
 * and the century (0x32) show it in BCD or binary and 24- or 12-hour form
 * as register B says, and writing them sets the clock. Status A never
 * shows an update in progress; D says the RAM is valid. The periodic
 * interrupt (register B PIE, rate from register A) raises IRQ 8 until
 * register C is read. Not modelled: the alarm and update-ended
 * interrupts (their enable bits are kept but never fire).
 * Pure logic: the caller locks.
 */
#ifndef ARCH_X86_64_VPLATFORM_VRTC_H
#define ARCH_X86_64_VPLATFORM_VRTC_H

#include <stdbool.h>
#include <stdint.h>

#define VRTC_INDEX_PORT  0x70
#define VRTC_DATA_PORT   0x71
#define VRTC_PORTS       2
#define VRTC_NO_DEADLINE UINT64_MAX
#define VRTC_BYTES       128

struct vrtc {
    uint8_t index;             /* the index port as written, NMI mask bit included */
    uint8_t cmos[VRTC_BYTES];  /* everything but the time of day */
    int64_t seconds_at_origin; /* the time of day at tick 0 */
    uint64_t periodic_start;   /* the tick the periodic interrupt was (re)armed */
    uint64_t periodic_edges;   /* periods already signalled */
};

/* Time of day `seconds` since 1970-01-01 00:00 UTC at tick 0; the CMOS
 * memory sizes describe RAM of ram_size bytes laid out like a PC's. */
void vrtc_reset(struct vrtc *rtc, int64_t seconds, uint64_t ram_size);
/* A reset of the machine around the clock, which has its own battery: the
 * time of day goes on from `seconds` at the new tick 0, the CMOS RAM and
 * the clock's settings stay; only the interrupt enables and flags clear, as
 * the chip's RESET pin does. */
void vrtc_machine_reset(struct vrtc *rtc, int64_t seconds);
/* The time of day at tick now, in seconds since 1970. */
int64_t vrtc_seconds(const struct vrtc *rtc, uint64_t now);

void vrtc_write(struct vrtc *rtc, uint16_t port, uint8_t value, uint64_t now);
uint8_t vrtc_read(struct vrtc *rtc, uint16_t port, uint64_t now);

/* The tick of the next periodic interrupt, VRTC_NO_DEADLINE when none. */
uint64_t vrtc_irq_deadline(const struct vrtc *rtc);

/* Call at or after the deadline: true when IRQ 8 is to be raised now. */
bool vrtc_irq_take(struct vrtc *rtc, uint64_t now);

#endif
