/* The local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode, whichever the
 * firmware left enabled: only what CPU start-up needs. */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include <stdint.h>

void lapic_init(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t vector_page);

#endif
