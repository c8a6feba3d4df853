/* GDT, TSS and IDT of one CPU. */
#ifndef ARCH_X86_64_DESCRIPTORS_H
#define ARCH_X86_64_DESCRIPTORS_H

#include <stdint.h>

#define SELECTOR_CODE 0x08
#define SELECTOR_DATA 0x10
#define SELECTOR_TSS  0x18

/* Interrupt stacks (TSS IST slots) for faults that must not use a possibly
 * overflowed stack. */
enum ist_slot {
    IST_DOUBLE_FAULT = 1,
    IST_NMI = 2,
    IST_MACHINE_CHECK = 3,
};

struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_map_base;
};

_Static_assert(sizeof(struct tss64) == 104, "the 64-bit TSS is 104 bytes");

struct cpu_descriptors {
    uint64_t gdt[5]; /* null, code, data, TSS (two slots) */
    struct tss64 tss;
};

/* Fills and loads this CPU's GDT and TSS; ist_tops are indexed by enum ist_slot. */
void descriptors_load(struct cpu_descriptors *d, const uint64_t ist_tops[4]);

/* Loads the shared IDT (built on first use). */
void idt_load(void);

#endif
