/* Helpers shared by the VM-exit handlers (exits*.c). */
#ifndef ARCH_X86_64_EXITS_H
#define ARCH_X86_64_EXITS_H

#include <stdint.h>

#include "hv/vcpu.h"

/* Returns nonzero to resume the guest. */
typedef int (*exit_handler)(struct vcpu *vcpu);

/* Called by vmexit.asm on every exit; returns nonzero to resume the guest. */
int vmexit_dispatch(struct vcpu *vcpu);

/* Moves the guest past the instruction that exited. */
void exit_skip_instruction(void);

/* Makes the next VM entry raise a fault in the guest (RIP stays on the
 * faulting instruction, as on hardware). */
void exit_inject_fault(uint8_t vector);
void exit_inject_fault_with_code(uint8_t vector, uint32_t error_code);

/* A general register of the guest by its encoding number (0 rax, 1 rcx,
 * ... 4 rsp, ... 15 r15), as instructions name them. */
uint64_t exit_read_register(struct vcpu *vcpu, unsigned number);
void exit_write_register(struct vcpu *vcpu, unsigned number, uint64_t value);

/* The guest did something it may not: report it and stop the vCPU. */
int exit_crash_guest(struct vcpu *vcpu, uint32_t reason, const char *why);

int exit_handle_rdmsr(struct vcpu *vcpu);
int exit_handle_wrmsr(struct vcpu *vcpu);
int exit_handle_cr_access(struct vcpu *vcpu);
int exit_handle_xsetbv(struct vcpu *vcpu);
int exit_handle_io(struct vcpu *vcpu);
int exit_handle_ept_violation(struct vcpu *vcpu);
int exit_handle_external_interrupt(struct vcpu *vcpu); /* interrupts.c */

#endif
