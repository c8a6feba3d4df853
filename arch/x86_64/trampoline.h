/* The AP start-up trampoline (trampoline.asm) and the parameters the boot CPU
 * writes into its copy below 1 MiB. */
#ifndef ARCH_X86_64_TRAMPOLINE_H
#define ARCH_X86_64_TRAMPOLINE_H

#include <stdint.h>

#define TRAMPOLINE_LATE_SLOTS 8
#define TRAMPOLINE_NO_APIC_ID 0xffffffffu

/* Placed at TRAMPOLINE_PARAMS_OFFSET within the trampoline page. Everything
 * but the token is the same for every AP, so an AP that comes late reads
 * nothing meant for another; what it may use it learns only by its claim. */
struct __attribute__((packed)) trampoline_params {
    uint16_t gdt_limit;
    uint32_t gdt_base;         /* physical: the trampoline's own GDT */
    uint32_t long_mode_offset; /* far pointer into the 64-bit part, physical */
    uint16_t long_mode_selector;
    uint32_t cr3;          /* page tables below 4 GiB */
    uint64_t stack_top;    /* the boot stack, the claiming AP's until it leaves */
    uint64_t entry;        /* void entry(void), high virtual address */
    uint64_t gdt[3];       /* null, 64-bit code, data */
    uint64_t token;        /* the start under way (ap_token.h), 8-byte aligned */
    uint32_t hold_apic_id; /* test hook: this AP waits until its start is given up */
    uint32_t late_count;   /* APs that came after their start was given up */
    uint32_t late_apic_ids[TRAMPOLINE_LATE_SLOTS];
};

#define TRAMPOLINE_PARAMS_OFFSET 8

extern const char trampoline_start[], trampoline_long_mode[], trampoline_end[];

#endif
