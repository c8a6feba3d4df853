/* The local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode, whichever the
 * firmware left enabled: only what CPU start-up needs. */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Host interrupt vectors. */
#define LAPIC_VECTOR_KICK     0xf0 /* another CPU wants this one out of its guest */
#define LAPIC_VECTOR_TIMER    0xf1 /* the hypervisor's own deadline timer */
#define LAPIC_VECTOR_SPURIOUS 0xff

void lapic_init(void);
void lapic_init_cpu(void);
void lapic_eoi(void);
void lapic_send_vector(uint32_t apic_id, uint8_t vector);
/* Interrupts this CPU with LAPIC_VECTOR_TIMER at the TSC value; false when
 * the CPU has no TSC-deadline timer. */
bool lapic_arm_timer(uint64_t tsc_deadline);
/* An NMI reaches the CPU whatever it runs, with interrupts off or in a guest
 * (arch/x86_64/nmi.c receives it). */
void lapic_send_nmi(uint32_t apic_id);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t vector_page);

#endif
