/* The AP start-up trampoline (trampoline.asm) and the parameters the boot CPU
 * writes into its copy below 1 MiB before each INIT-SIPI-SIPI. */
#ifndef ARCH_X86_64_TRAMPOLINE_H
#define ARCH_X86_64_TRAMPOLINE_H

#include <stdint.h>

/* Placed at TRAMPOLINE_PARAMS_OFFSET within the trampoline page. */
struct __attribute__((packed)) trampoline_params {
    uint16_t gdt_limit;
    uint32_t gdt_base;         /* physical: the trampoline's own GDT */
    uint32_t long_mode_offset; /* far pointer into the 64-bit part, physical */
    uint16_t long_mode_selector;
    uint32_t cr3;       /* page tables below 4 GiB */
    uint64_t stack_top; /* a temporary stack for the C entry */
    uint64_t entry;     /* void entry(uint64_t arg), high virtual address */
    uint64_t arg;
    uint64_t gdt[3]; /* null, 64-bit code, data */
};

#define TRAMPOLINE_PARAMS_OFFSET 8

extern const char trampoline_start[], trampoline_long_mode[], trampoline_end[];

#endif
