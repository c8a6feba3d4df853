/*
 * The guest-physical map of a full partition, laid out like a PC's so an
 * unmodified kernel finds what it expects: RAM below 640 KiB, the legacy
 * hole (the top of it holds the firmware tables), RAM from 1 MiB up to the
 * MMIO hole below 4 GiB, and the rest of the RAM above 4 GiB. The
 * partition's RAM is one host block: its first part appears at 0 (hole
 * included, so the tables have memory behind them), the remainder at 4 GiB.
 * The boot maps every loader hands a kernel (E820, PVH, multiboot) and the
 * EPT are all built from the ranges below, so they cannot disagree.
 */
#ifndef LIB_PC_LAYOUT_H
#define LIB_PC_LAYOUT_H

#include <stdint.h>

#define PC_LOW_RAM_END      0xa0000ull    /* 640 KiB */
#define PC_FIRMWARE_TABLES  0xe0000ull    /* ACPI tables, reserved in the map */
#define PC_LEGACY_HOLE_END  0x100000ull   /* 1 MiB */
#define PC_MMIO_HOLE_START  0xc0000000ull /* 3 GiB: nothing but devices above */
#define PC_PCI_WINDOW_START PC_MMIO_HOLE_START
#define PC_PCI_WINDOW_END   0xe0000000ull /* 512 MiB of BARs */
#define PC_ECAM_BASE        0xe0000000ull /* PCI configuration space, bus 0-255 */
#define PC_ECAM_SIZE        0x10000000ull
#define PC_IOAPIC_BASE      0xfec00000ull
#define PC_LAPIC_BASE       0xfee00000ull
#define PC_HIGH_RAM_START   0x100000000ull /* 4 GiB */

/* Fixed-function ACPI hardware (the FADT names these ports). */
#define PC_PM1A_EVENT_PORT   0x600 /* 4 bytes: status, then enable */
#define PC_PM1A_CONTROL_PORT 0x604 /* 2 bytes */
#define PC_PM_TIMER_PORT     0x608 /* 4 bytes, 24-bit 3.579545 MHz counter */
#define PC_RESET_PORT        0xcf9 /* reset register, value 0x06 */
#define PC_SCI_IRQ           9

/* Boot structures the loaders write below 640 KiB. */
#define PC_BOOT_PARAMS      0x7000ull  /* Linux's zero page / PVH start info */
#define PC_BOOT_MAP         0x8000ull  /* PVH or multiboot memory map */
#define PC_BOOT_MODULES     0x9000ull  /* PVH or multiboot module list */
#define PC_BOOT_CMDLINE     0x20000ull /* up to PC_BOOT_CMDLINE_MAX bytes */
#define PC_BOOT_CMDLINE_MAX 4096u

/* Memory map entry types, as E820, PVH and multiboot number them. */
enum pc_memory_type {
    PC_MEMORY_RAM = 1,
    PC_MEMORY_RESERVED = 2,
    PC_MEMORY_ACPI = 3,
};

struct pc_memory_range {
    uint64_t start;
    uint64_t size;
    enum pc_memory_type type;
};

/* Where the partition's RAM appears: offset in its host block -> guest. */
struct pc_ram_piece {
    uint64_t block_offset;
    uint64_t guest;
    uint64_t size;
};

#define PC_RAM_PIECES 2
/* The one or two pieces RAM of ram_size bytes is split into; their count. */
unsigned pc_layout_ram_pieces(uint64_t ram_size, struct pc_ram_piece pieces[PC_RAM_PIECES]);

#define PC_MEMORY_RANGES 6
/* The memory map a kernel is given, in address order; its entry count. */
unsigned pc_layout_memory_map(uint64_t ram_size, struct pc_memory_range map[PC_MEMORY_RANGES]);

/* The guest-physical end of the RAM below the MMIO hole. */
uint64_t pc_layout_low_ram_end(uint64_t ram_size);

#endif
