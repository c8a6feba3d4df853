/*
 * The I/O APIC: a window of two registers (IOREGSEL picks a register,
 * IOWIN reads or writes it) in front of the version register and one 64-bit
 * redirection entry per input pin, which says where that pin's interrupt
 * goes. Freestanding: the hypervisor passes the mapped window, the unit
 * test a fake one (a shim may define IOAPIC_WINDOW_HOOKS and provide
 * ioapic_window_read/ioapic_window_write).
 */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000ull /* the PC's first IOAPIC when no MADT says */
#define IOAPIC_WINDOW_SIZE  0x20u
#define IOAPIC_MAX_PINS     240u /* the version register's field allows more: no chip has */

#define IOAPIC_REG_VERSION  0x01
#define IOAPIC_REG_REDIRECT 0x10 /* + 2 * pin: low half, + 1: high half */

/* Bits of a redirection entry (82093AA datasheet, 3.2.4). */
#define IOAPIC_ENTRY_ACTIVE_LOW (1ull << 13)
#define IOAPIC_ENTRY_LEVEL      (1ull << 15)
#define IOAPIC_ENTRY_MASKED     (1ull << 16)
#define IOAPIC_ENTRY_DEST_SHIFT 56

struct ioapic {
    volatile uint32_t *window;
    uint8_t version;
    unsigned pin_count;
};

/* Where one pin's interrupt goes: fixed delivery, physical destination. */
struct ioapic_route {
    uint8_t vector;
    uint8_t apic_id;
    bool level;      /* level-triggered (PCI INTx); else edge (ISA) */
    bool active_low; /* PCI INTx; ISA lines are active high */
};

/* Reads the version and the number of pins; false when nothing sensible
 * answers (an all-ones version register: no chip there). */
bool ioapic_init(struct ioapic *ioapic, volatile uint32_t *window);

uint64_t ioapic_read_entry(const struct ioapic *ioapic, unsigned pin);
void ioapic_write_entry(const struct ioapic *ioapic, unsigned pin, uint64_t entry);

/* The redirection entry for a route, unmasked. */
uint64_t ioapic_route_entry(struct ioapic_route route);

/* Points the pin at the route and unmasks it; false for a pin the chip
 * lacks or a vector below 0x10 (reserved, SDM Vol. 3A 11.5.2). */
bool ioapic_route_pin(const struct ioapic *ioapic, unsigned pin, struct ioapic_route route);

void ioapic_mask_pin(const struct ioapic *ioapic, unsigned pin);
/* Clears the mask bit only: the pin keeps the route it was given. */
void ioapic_unmask_pin(const struct ioapic *ioapic, unsigned pin);

/* An ACPI MADT interrupt source override: ISA IRQ n (the index into a
 * table of IOAPIC_ISA_IRQS) arrives at GSI `gsi`, with the MPS INTI flags
 * (bits 1:0 polarity, 3:2 trigger; 0 in either: as the bus says). */
#define IOAPIC_ISA_IRQS 16

struct ioapic_isa_override {
    bool present;
    uint32_t gsi;
    uint16_t flags;
};

struct ioapic_wiring {
    unsigned pin; /* of the IOAPIC whose inputs start at GSI 0 */
    bool level, active_low;
};

/* Where IRQ irq comes in and how: pin irq, with the trigger and polarity
 * of its kind, unless overrides (may be NULL) says otherwise for that ISA
 * IRQ. ISA lines (serial ports) are edge-triggered and active high; PCI
 * INTx lines, wired to the IOAPIC's ISA-identity pins on a PC without ACPI
 * routing tables, level-triggered and active low. */
struct ioapic_wiring ioapic_irq_wiring(unsigned irq, bool pci_intx,
                                       const struct ioapic_isa_override *overrides);
void ioapic_mask_all(const struct ioapic *ioapic);

#endif
