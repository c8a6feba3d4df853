/* Preparing and running one vCPU on the current physical CPU (with the
 * arch_vcpu_*() of hv/arch.h that start, run and time it). */
#ifndef ARCH_X86_64_VCPU_RUN_H
#define ARCH_X86_64_VCPU_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"
#include "hv/vcpu.h"

enum vcpu_entry_mode {
    VCPU_ENTRY_REAL = 0, /* 16-bit real mode */
    VCPU_ENTRY_FLAT32,   /* 32-bit protected mode, paging off */
    VCPU_ENTRY_LONG,     /* 64-bit long mode */
};

struct vcpu_entry {
    enum vcpu_entry_mode mode;
    uint16_t real_mode_cs; /* real mode: CS selector, base = selector << 4 */
    uint64_t rip, rsp;
    uint64_t rax, rbx, rdi, rsi;
    uint64_t page_tables; /* long mode: CR3 */
    uint64_t gdt_base;    /* protected and long mode: flat segments from this GDT */
    uint16_t gdt_limit;
    uint16_t code_selector, data_selector;
};

/* A fresh VMCS for vcpu on this CPU with the given entry state and guest
 * address space. Resets the guest registers and keeps the exit counters.
 * False when the CPU refuses the controls. */
bool vcpu_prepare(struct vcpu *vcpu, const struct vcpu_entry *entry, uint64_t eptp,
                  bool time_limit);

/* vmexit.asm: enters the guest and returns when an exit handler asks to stop
 * (0) or when VMLAUNCH/VMRESUME itself failed (1). */
/* What vmx_enter_guest() returns (vmexit.asm). */
enum vmx_enter_result {
    VMX_ENTER_STOPPED = 0,   /* an exit handler stopped the vCPU */
    VMX_ENTER_FAILED = 1,    /* VMLAUNCH or VMRESUME failed */
    VMX_ENTER_CONTAINED = 2, /* the hypervisor faulted in an exit handler */
};

int vmx_enter_guest(struct vcpu *vcpu);

#endif
