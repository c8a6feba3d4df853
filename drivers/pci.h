/*
 * PCI configuration space through configuration mechanism #1 (the address
 * port 0xcf8 and the data port 0xcfc), and what the hypervisor needs of it:
 * whether a function is there, and where its BARs decode. The address/data
 * pair is one shared register set, so callers use it from one CPU at a time
 * (the hypervisor only at boot, on the boot CPU).
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CONFIG_ADDRESS_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT    0xcfc
#define PCI_MAX_BARS            6

struct pci_function {
    uint8_t bus, slot, function;
};

enum pci_bar_kind {
    PCI_BAR_UNUSED = 0,
    PCI_BAR_MEMORY,
    PCI_BAR_IO,
};

struct pci_bar {
    enum pci_bar_kind kind;
    unsigned index; /* the BAR register, 0-5; a 64-bit BAR takes index and index + 1 */
    uint64_t base;  /* where it decodes now */
    uint64_t size;  /* bytes or ports, a power of two */
    bool is_64bit;  /* memory only */
    bool prefetchable;
};

uint32_t pci_config_read32(struct pci_function f, uint8_t offset);
void pci_config_write32(struct pci_function f, uint8_t offset, uint32_t value);

/* A function answers when its vendor ID is not all ones. */
bool pci_function_present(struct pci_function f);

/*
 * Reads and sizes the BARs of a function (6 for a device, 2 for a bridge,
 * none for other header types) into bars, which has room for PCI_MAX_BARS;
 * returns how many it filled (unused BARs are left out). Sizing writes all
 * ones into each BAR, so it runs with interrupts off and with the
 * function's decoding off, and puts every BAR and the command register back
 * as they were.
 */
unsigned pci_read_bars(struct pci_function f, struct pci_bar *bars);

/* Sized accesses (1, 2 or 4 bytes within one dword) at any offset. */
uint32_t pci_config_read(struct pci_function f, uint8_t offset, unsigned size);
void pci_config_write(struct pci_function f, uint8_t offset, unsigned size, uint32_t value);

/* The function and register a CONFIG_ADDRESS value selects; false when its
 * enable bit is off (the data port then reaches nothing). */
bool pci_decode_address(uint32_t address, struct pci_function *f, uint8_t *offset);

/*
 * What the owner of a function may write to its configuration space: not
 * the BARs, the expansion ROM or a bridge's windows (offsets 0x10-0x3b:
 * where the function decodes was fixed when it was handed over), and not
 * the bus-master enable unless may_master (with no IOMMU, a device's DMA
 * reaches all memory). Returns false when the write is dropped; clears the
 * bus-master bit in *value unless may_master.
 */
bool pci_owner_write_filter(uint8_t offset, unsigned size, uint32_t *value, bool may_master);

/* Readies a function for the partition it is handed to: memory and I/O
 * decoding on, and bus mastering (DMA) off unless may_master, which leaves
 * it as it is for the owner's driver to set. */
void pci_enable_for_owner(struct pci_function f, bool may_master);

#endif
