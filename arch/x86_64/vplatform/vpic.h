/*
 * A virtual pair of 8259A interrupt controllers, the PC's legacy PIC
 * (master at ports 0x20-0x21, slave at 0xa0-0xa1 on the master's IRQ2),
 * for full partitions. Device models raise its sixteen input lines; it
 * delivers to vCPU 0, as the PIC's output wire does on a PC.
 *
 * What a guest's driver needs is modelled: the ICW1-ICW4 initialization
 * sequence (vector base, cascade, auto-EOI), the mask register, specific and
 * non-specific EOI, IRR/ISR reads through OCW3 and fully nested priorities
 * (IRQ0 highest). Inputs are edge-triggered, as ISA interrupts are. Not
 * modelled: priority rotation (a rotating EOI acts as a plain one), special
 * mask mode, poll mode and level-triggered inputs (ELCR).
 *
 * It is pure register logic behind a lock: any CPU may raise a line while
 * the vCPU's own CPU reads ports and acknowledges interrupts. It runs
 * unchanged in host unit tests.
 */
#ifndef ARCH_X86_64_VPLATFORM_VPIC_H
#define ARCH_X86_64_VPLATFORM_VPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/spinlock.h"

#define VPIC_MASTER_COMMAND 0x20
#define VPIC_MASTER_DATA    0x21
#define VPIC_SLAVE_COMMAND  0xa0
#define VPIC_SLAVE_DATA     0xa1
#define VPIC_LINES          16

struct vpic_chip {
    uint8_t irr, isr, imr;
    uint8_t lines; /* input levels, for edge detection */
    uint8_t vector_base;
    uint8_t init_step; /* 0: initialized, 1-3: expecting ICW2-ICW4 */
    bool icw4_expected;
    bool single; /* ICW1.SNGL: no cascade, so no ICW3 */
    bool auto_eoi;
    bool read_isr; /* OCW3: the command port reads ISR instead of IRR */
};

struct vpic {
    struct spinlock lock;
    struct vpic_chip master, slave;
};

/* As a PC's firmware leaves it: master vectors 0x08-0x0f, slave 0x70-0x77,
 * and every line masked until the guest unmasks what it drives. */
void vpic_reset(struct vpic *pic);

bool vpic_owns_port(uint16_t port);
void vpic_write(struct vpic *pic, uint16_t port, uint8_t value);
uint8_t vpic_read(struct vpic *pic, uint16_t port);

/* A device's interrupt line, 0-15, goes high or low. Returns whether the
 * PIC now has an interrupt to deliver. */
bool vpic_set_line(struct vpic *pic, unsigned line, bool high);

/* Whether an interrupt waits for the CPU (unmasked, not blocked by one of
 * higher or equal priority in service). */
bool vpic_pending(struct vpic *pic);

/* The CPU takes the interrupt (the INTA cycle): returns its vector and marks
 * it in service, or -1 when none waits any more. */
int vpic_acknowledge(struct vpic *pic);

#endif
