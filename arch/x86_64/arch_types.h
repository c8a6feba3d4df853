/*
 * The x86 part of a vCPU and of a partition, embedded in the generic
 * structures of hv/ (hv/vcpu.h, hv/partition.h) as `arch`. This is the one
 * arch header hv/arch.h includes; hv/ code works on these through the
 * arch_*() calls, the PCI CONFIG_ADDRESS latch of hv/partition_pci.c aside.
 */
#ifndef ARCH_X86_64_ARCH_TYPES_H
#define ARCH_X86_64_ARCH_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/ept.h"
#include "arch/x86_64/vmcs.h"
#include "arch/x86_64/vplatform/vacpi.h"
#include "arch/x86_64/vplatform/legacy.h"
#include "arch/x86_64/vplatform/vapic.h"
#include "arch/x86_64/vplatform/vioapic.h"
#include "arch/x86_64/vplatform/vmtrr.h"
#include "arch/x86_64/vplatform/vpic.h"

/* Guest general-purpose registers saved by vmexit.asm (RSP is in the VMCS). */
struct guest_regs {
    uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* What the probe guest reported through its exits. */
struct vcpu_probe_record {
    uint64_t vmcall_rax, vmcall_rbx;
    uint16_t io_port;
    uint32_t io_value;
    bool io_out;
};

struct vcpu_arch {
    struct guest_regs regs; /* vmexit.asm reaches them through asm_offsets.inc */
    uint64_t launched;
    uint16_t vpid;
    uint64_t vmcs_phys;
    uint64_t io_bitmaps;    /* its partition's own; 0: the shared ones */
    uint32_t exit_reason;   /* of the exit being handled, read once */
    uint32_t stop_reason;   /* exit reason that stopped it */
    uint8_t tpr;            /* CR8 as the guest sees it */
    bool preemption_parked; /* the VMCS holds the no-deadline timer value */
    bool interrupt_window;  /* interrupt-window exiting is on */
    bool nmi_window;        /* NMI-window exiting is on */
    uint32_t nmis_pending;  /* virtual NMIs not yet delivered (atomic) */
    struct vapic apic;      /* its local APIC */
    struct vpic *pic;       /* the legacy PIC it takes interrupts from, or 0 */
    uint64_t apic_base;     /* IA32_APIC_BASE as the guest sees it */
    struct vmtrr mtrr;      /* full partitions: its MTRRs, as the guest wrote them */
    volatile bool init_pending;
    volatile int sipi_vector; /* a start-up IPI's vector, or -1 */
    uint64_t exit_counts[EXIT_REASON_COUNT];
    struct vcpu_probe_record probe;
};

struct partition_arch {
    struct ept ept;
    uint64_t ept_pages;  /* EPT tables, for the overhead report */
    unsigned entry_mode; /* enum arch_entry_mode (hv/arch.h) of its image */
    uint64_t entry_rax, entry_rbx, entry_rsi;
    uint64_t io_bitmaps;         /* its own when it owns ports; 0: the shared ones */
    uint32_t pci_config_address; /* its own CONFIG_ADDRESS, latched by hv/partition_pci.c */
    struct vpic pic;             /* full partitions: the legacy interrupt controller */
    struct vacpi acpi;           /* full partitions: the ACPI fixed hardware */
    struct spinlock acpi_lock;   /* its vCPUs and the operator's power button share it */
    struct vlegacy legacy;       /* full partitions: PIT, RTC, PCI host bridge, odd ports */
    struct vioapic ioapic;       /* full partitions: the I/O APIC beside it */
};

#endif
