/* Stands in for arch/x86_64/cpu.h in the PCI unit test: port I/O and the
 * interrupt flag go to the fake machine in test_pci.c. */
#ifndef TESTS_UNIT_SHIM_PCI_H
#define TESTS_UNIT_SHIM_PCI_H

#define ARCH_X86_64_CPU_H /* the real header is not included after this */

#include <stdint.h>

void cpu_outb(uint16_t port, uint8_t value);
void cpu_outw(uint16_t port, uint16_t value);
void cpu_outl(uint16_t port, uint32_t value);
uint32_t cpu_inl(uint16_t port);
uint64_t cpu_interrupts_save_disable(void);
void cpu_interrupts_restore(uint64_t flags);

#endif
