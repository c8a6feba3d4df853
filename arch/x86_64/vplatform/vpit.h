/*
 * A virtual 8254 programmable interval timer (ports 0x40-0x43) and the
 * timer bits of the PC's system control port B (0x61), for full
 * partitions. Channel 0 drives IRQ 0; channel 2's gate and output are
 * bits 0 and 5 of port 0x61, which a kernel uses to calibrate its TSC.
 *
 * Time is a count of the PIT's own 1.193182 MHz ticks that the caller
 * passes in (see vclock.h); nothing counts on its own. Modes 0, 2, 3 and 4
 * are modelled (1 and 5, which need a gate edge channel 0 never sees, act
 * as 0 and 4; 6 and 7 are 2 and 3), with LSB, MSB and LSB-then-MSB access,
 * the counter latch and the read-back command. Counts are binary: the BCD
 * bit is kept in the status but not honoured. Pure logic: the caller locks.
 */
#ifndef ARCH_X86_64_VPLATFORM_VPIT_H
#define ARCH_X86_64_VPLATFORM_VPIT_H

#include <stdbool.h>
#include <stdint.h>

#define VPIT_CHANNEL0_PORT 0x40
#define VPIT_CONTROL_PORT  0x43
#define VPIT_PORTS         4
#define VPIT_PORT_B        0x61 /* system control port B */
#define VPIT_NO_DEADLINE   UINT64_MAX

struct vpit_channel {
    uint8_t mode, access; /* control word bits 3:1 and 5:4 */
    bool bcd;
    bool gate;
    bool counting;            /* a count was written (and the gate allows) */
    bool null_count;          /* written but not yet counting: the status says so */
    bool write_msb, read_msb; /* LSB-then-MSB access: the next byte is the MSB */
    uint8_t written_lsb;      /* the LSB written, until the MSB comes */
    uint32_t period;          /* the count written, 65536 for 0 */
    uint64_t start;           /* the tick counting (re)started */
    uint64_t frozen;          /* ticks counted when the gate went low */
    uint64_t edges;           /* rising edges of OUT already signalled */
    bool latched, status_latched;
    bool latch_msb; /* the latched count's MSB is next */
    uint16_t latch;
    uint8_t status;
};

struct vpit {
    struct vpit_channel channels[3];
    bool speaker_data; /* port 0x61 bit 1: kept, never sounds */
};

/* As after a reset: every channel unprogrammed, channel 0's and 1's gates
 * high (wired so on a PC), channel 2's low until port 0x61 raises it. */
void vpit_reset(struct vpit *pit);

void vpit_write(struct vpit *pit, uint16_t port, uint8_t value, uint64_t now);
uint8_t vpit_read(struct vpit *pit, uint16_t port, uint64_t now);

/* Port 0x61: bit 0 channel 2's gate, bit 1 speaker data, bit 4 the memory
 * refresh toggle (every 15 us), bit 5 channel 2's OUT. */
uint8_t vpit_read_port_b(const struct vpit *pit, uint64_t now);
void vpit_write_port_b(struct vpit *pit, uint8_t value, uint64_t now);

/* The tick of channel 0's next rising OUT edge (its IRQ 0), or
 * VPIT_NO_DEADLINE when none is coming. */
uint64_t vpit_irq_deadline(const struct vpit *pit);

/* Call at or after the deadline: true when IRQ 0 is to be raised now.
 * Edges missed meanwhile are dropped, not replayed (one interrupt). */
bool vpit_irq_take(struct vpit *pit, uint64_t now);

#endif
