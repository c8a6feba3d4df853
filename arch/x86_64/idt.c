#include "arch/x86_64/descriptors.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"

#define EXCEPTION_VECTORS  32
#define IDT_INTERRUPT_GATE 0x8eull /* present, ring 0, 64-bit interrupt gate */

#define VECTOR_NMI           2
#define VECTOR_DOUBLE_FAULT  8
#define VECTOR_MACHINE_CHECK 18

/* Entry stubs in isr.asm, one per exception vector. */
extern const uint64_t exception_stubs[EXCEPTION_VECTORS];
extern const uint64_t interrupt_stubs[256 - EXCEPTION_VECTORS];
extern const char nmi_entry[], machine_check_entry[]; /* they return */

static uint64_t idt[256 * 2];
static bool idt_built;

static unsigned ist_for_vector(unsigned vector)
{
    switch (vector) {
    case VECTOR_NMI:
        return IST_NMI;
    case VECTOR_DOUBLE_FAULT:
        return IST_DOUBLE_FAULT;
    case VECTOR_MACHINE_CHECK:
        return IST_MACHINE_CHECK;
    default:
        return 0;
    }
}

static uint64_t exception_entry(unsigned vector)
{
    if (vector == VECTOR_NMI)
        return (uint64_t)(uintptr_t)nmi_entry;
    if (vector == VECTOR_MACHINE_CHECK)
        return (uint64_t)(uintptr_t)machine_check_entry;
    return exception_stubs[vector];
}

static void idt_set_gate(unsigned vector, uint64_t handler, unsigned ist)
{
    idt[vector * 2] = (handler & 0xffff) | ((uint64_t)SELECTOR_CODE << 16) | ((uint64_t)ist << 32) |
                      (IDT_INTERRUPT_GATE << 40) | (((handler >> 16) & 0xffff) << 48);
    idt[vector * 2 + 1] = handler >> 32;
}

/* The boot CPU builds the table before any AP starts, so no lock is needed. */
void idt_load(void)
{
    if (!idt_built) {
        for (unsigned v = 0; v < EXCEPTION_VECTORS; v++)
            idt_set_gate(v, exception_entry(v), ist_for_vector(v));
        for (unsigned v = EXCEPTION_VECTORS; v < 256; v++)
            idt_set_gate(v, interrupt_stubs[v - EXCEPTION_VECTORS], 0);
        idt_built = true;
    }
    struct cpu_table_pointer idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    cpu_load_idt(&idtr);
}
