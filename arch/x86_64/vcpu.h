/* A virtual CPU as the VMX code sees it. */
#ifndef ARCH_X86_64_VCPU_H
#define ARCH_X86_64_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vmcs.h"
#include "arch/x86_64/vplatform/vapic.h"
#include "arch/x86_64/vplatform/vpic.h"

/* Guest general-purpose registers saved by vmexit.asm (RSP is in the VMCS). */
struct guest_regs {
    uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

enum vcpu_state {
    VCPU_RUNNING = 0,
    VCPU_HALTED,    /* the guest executed HLT: done */
    VCPU_STOPPED,   /* ended cleanly: exit port, time limit */
    VCPU_CRASHED,   /* stopped by the hypervisor after a fault or unhandled exit */
    VCPU_WAIT_SIPI, /* an AP before its start-up IPI, or after an INIT */
};

struct partition;

/* What the probe guest reported through its exits. */
struct vcpu_probe_record {
    uint64_t vmcall_rax, vmcall_rbx;
    uint16_t io_port;
    uint32_t io_value;
    bool io_out;
};

struct vcpu {
    struct guest_regs regs; /* must stay first: vmexit.asm addresses it */
    uint64_t launched;
    unsigned cpu_index; /* the physical CPU it is pinned to */
    unsigned index;     /* within its partition */
    uint16_t vpid;
    uint64_t vmcs_phys;
    struct partition *partition; /* 0 for the probe guest */
    uint64_t io_bitmaps;         /* its partition's own; 0: the shared ones */
    enum vcpu_state state;
    uint32_t stop_reason;   /* exit reason that stopped it */
    uint64_t deadline_tsc;  /* the partition's time limit; 0 = none */
    uint8_t tpr;            /* CR8 as the guest sees it */
    bool preemption_parked; /* the VMCS holds the no-deadline timer value */
    bool interrupt_window;  /* interrupt-window exiting is on */
    struct vapic apic;      /* its local APIC (x2APIC mode only) */
    struct vpic *pic;       /* the legacy PIC it takes interrupts from, or 0 */
    uint64_t apic_base;     /* IA32_APIC_BASE as the guest sees it */
    volatile bool init_pending;
    volatile int sipi_vector;              /* a start-up IPI's vector, or -1 */
    volatile uint64_t ept_generation_seen; /* see partition_flush_ept() */
    uint64_t exit_counts[EXIT_REASON_COUNT];
    uint64_t exits_total;
    struct vcpu_probe_record probe;
};

/* vmexit.asm: enters the guest and returns when an exit handler asks to stop
 * (0) or when VMLAUNCH/VMRESUME itself failed (1). */
int vmx_enter_guest(struct vcpu *vcpu);

/* Called by vmexit.asm on every exit; returns nonzero to resume the guest. */
int vmexit_dispatch(struct vcpu *vcpu);

#endif
