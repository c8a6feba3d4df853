/*
 * A virtual I/O APIC (the 82093AA's registers; SDM Vol. 3A 11.11 for the
 * messages), one per full partition at PC_IOAPIC_BASE, beside the 8259
 * pair: device models drive its 24 input pins, and each redirection entry
 * turns its pin into an interrupt message for the partition's local APICs.
 * Also here: the MSI form of the same message (an address 0xFEExxxxx and a
 * data word), which dom0's device models send.
 *
 * The guest reaches it through IOREGSEL (offset 0x00) and IOWIN (0x10):
 * register 0 is the ID, 1 the version (0x11, maximum redirection entry 23),
 * 2 the arbitration ID, 0x10 + 2n and 0x11 + 2n the low and high halves of
 * pin n's redirection entry. A pin's input is its assertion: the polarity
 * bit is kept for the guest to read back and does not invert it. Edge pins
 * send on a rising edge while unmasked (an edge while masked is lost);
 * level pins send while asserted and unmasked, set Remote IRR, and send
 * again after the EOI that clears it if still asserted. ExtINT entries send
 * nothing: the 8259's output already reaches vCPU 0. No directed EOI
 * register (version 0x11 has none).
 *
 * Pure register logic behind a lock, like the vPIC: any CPU may set a line
 * while the partition's vCPUs program it. Messages go out through the
 * caller's sink while the lock is held, so the sink must not come back
 * here. Unit-tested on the host.
 */
#ifndef ARCH_X86_64_VPLATFORM_VIOAPIC_H
#define ARCH_X86_64_VPLATFORM_VIOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vplatform/vapic.h"
#include "hv/spinlock.h"

#define VIOAPIC_PINS      24
#define VIOAPIC_ID        0 /* as QEMU's firmware tables give it; the MADT says the same */
#define VIOAPIC_VERSION   0x11
#define VIOAPIC_MMIO_SIZE 0x1000
#define VIOAPIC_IOREGSEL  0x00
#define VIOAPIC_IOWIN     0x10

enum vioapic_register {
    VIOAPIC_REG_ID = 0x00,
    VIOAPIC_REG_VERSION = 0x01,
    VIOAPIC_REG_ARBITRATION = 0x02,
    VIOAPIC_REG_REDIRECTION = 0x10, /* + 2 * pin: low half; + 1: high half */
};

/* Redirection entry fields (82093AA 3.2.4). */
#define VIOAPIC_VECTOR        0xffull
#define VIOAPIC_DELIVERY_MODE (7ull << 8)
#define VIOAPIC_LOGICAL       (1ull << 11)
#define VIOAPIC_ACTIVE_LOW    (1ull << 13)
#define VIOAPIC_REMOTE_IRR    (1ull << 14)
#define VIOAPIC_LEVEL         (1ull << 15)
#define VIOAPIC_MASKED        (1ull << 16)
#define VIOAPIC_DESTINATION   (0xffull << 56)

/* Delivery modes, shared by redirection entries, MSI data and the ICR. */
enum vioapic_delivery {
    VIOAPIC_FIXED = 0,
    VIOAPIC_LOWEST_PRIORITY = 1,
    VIOAPIC_SMI = 2,
    VIOAPIC_NMI = 4,
    VIOAPIC_INIT = 5,
    VIOAPIC_EXTINT = 7,
};

/* Where messages go: the caller delivers each one to the local APICs it
 * names. */
struct vioapic_sink {
    void (*deliver)(void *context, const struct vapic_ipi *message);
    void *context;
};

struct vioapic {
    struct spinlock lock;
    uint32_t id; /* bits 24-27, as the ID register reads */
    uint32_t select;
    uint32_t asserted; /* input levels, bit n for pin n */
    uint64_t redirection[VIOAPIC_PINS];
};

/* After reset every pin is masked, edge, fixed, vector 0; id is the I/O
 * APIC ID firmware tables give it. */
void vioapic_reset(struct vioapic *io, uint8_t id);

/* The page: 32-bit accesses to IOREGSEL and IOWIN; anything else reads 0
 * and writes nothing. */
uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset, unsigned size);
void vioapic_mmio_write(struct vioapic *io, uint32_t offset, unsigned size, uint32_t value,
                        const struct vioapic_sink *sink);

/* A device's line into pin 0-23 is asserted or not. */
void vioapic_set_line(struct vioapic *io, unsigned pin, bool asserted,
                      const struct vioapic_sink *sink);

/* A local APIC's EOI of a level-triggered vector, broadcast to the I/O
 * APIC: clears Remote IRR of every pin with that vector. */
void vioapic_eoi(struct vioapic *io, uint8_t vector, const struct vioapic_sink *sink);

/* An MSI as a message (SDM Vol. 3A 11.11.1-2): the address must be
 * 0xFEE0_0000 | destination << 12 | logical << 2 with nothing above bit 31,
 * the data vector | mode << 8, edge-triggered (bit 15 clear; the level
 * bit 14 is then ignored) and no other bit; the modes are fixed and lowest
 * priority (vector 16-255), NMI and INIT. False for anything else. */
bool vioapic_msi_message(uint64_t address, uint64_t data, struct vapic_ipi *message);

#endif
