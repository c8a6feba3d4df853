/*
 * Guests' x87/SSE/AVX state. The hypervisor itself uses none of it (it is
 * built with general registers only) and a vCPU never shares its physical
 * CPU, so a guest's extended state simply stays in the CPU's registers
 * across exits: it is per vCPU without being saved. What the hypervisor
 * must do is hand every vCPU start a clean state, with nothing left of the
 * firmware, the self-test guest or a previous run.
 */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

/* Once per CPU: lets the hypervisor load SSE state (CR4.OSFXSR). */
void fpu_init_cpu(void);

/* Puts x87, SSE and AVX state in their initial configuration and XCR0 in its
 * reset value (x87 only). */
void fpu_reset_guest_state(void);

#endif
