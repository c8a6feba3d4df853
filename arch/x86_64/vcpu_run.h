/* Preparing and running one vCPU on the current physical CPU. */
#ifndef ARCH_X86_64_VCPU_RUN_H
#define ARCH_X86_64_VCPU_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vcpu.h"

struct vcpu_entry {
    bool long_mode;        /* else 16-bit real mode */
    uint16_t real_mode_cs; /* real mode: CS selector, base = selector << 4 */
    uint64_t rip, rsp;
    uint64_t rdi, rsi;
    uint64_t page_tables; /* long mode: CR3 */
    uint64_t gdt_base;    /* long mode */
    uint16_t gdt_limit;
};

/* A fresh VMCS for vcpu on this CPU with the given entry state and guest
 * address space. Resets the guest registers and keeps the exit counters.
 * False when the CPU refuses the controls. */
bool vcpu_prepare(struct vcpu *vcpu, const struct vcpu_entry *entry, uint64_t eptp,
                  bool time_limit);

/* Runs the vCPU until it halts, stops or crashes; returns false when the VM
 * entry itself failed (reported). */
bool vcpu_run(struct vcpu *vcpu);

/* Programs the preemption timer to fire after about `ticks` TSC ticks
 * (UINT64_MAX: no deadline). */
void vcpu_set_preemption_timer(struct vcpu *vcpu, uint64_t ticks);

#endif
