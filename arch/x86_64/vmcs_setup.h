/* Filling a fresh VMCS: execution controls, host state, guest state. */
#ifndef ARCH_X86_64_VMCS_SETUP_H
#define ARCH_X86_64_VMCS_SETUP_H

#include <stdbool.h>
#include <stdint.h>

/* Allocates, clears and loads a VMCS; returns its physical address or 0. */
uint64_t vmcs_create(void);

/* What differs between the guests the hypervisor runs. */
struct vmcs_guest_controls {
    uint64_t eptp;
    uint16_t vpid;
    uint64_t io_bitmaps; /* two consecutive pages: ports 0-0x7fff, 0x8000-0xffff */
    uint64_t msr_bitmap;
    bool long_mode;        /* enter in IA-32e mode */
    bool preemption_timer; /* the partition has a time limit */
};

/* Controls for a guest under EPT and VPID that exits on HLT, on the ports and
 * MSRs its bitmaps select, on CR8, MONITOR/MWAIT, RDPMC and WBINVD. False if
 * the CPU refuses one of them. */
bool vmcs_setup_controls(const struct vmcs_guest_controls *controls);

/* Host state: this CPU's descriptor tables and page tables; VM exits land
 * in vmx_exit_entry. */
void vmcs_setup_host(void);

/* A guest in real mode, as after a reset but starting at cs:rip (the code
 * segment's base is cs << 4), other segments at 0 (unrestricted guest). */
void vmcs_setup_real_mode_guest(uint16_t cs, uint64_t rip, uint64_t rsp);

/* A guest with flat 4 GiB segments from its GDT. */
struct vmcs_flat_guest {
    uint64_t rip, rsp;
    uint64_t page_tables; /* long mode: CR3 */
    uint64_t gdt_base;
    uint16_t gdt_limit;
    uint16_t code_selector, data_selector;
};

/* A guest in 64-bit long mode, paging on with CR3 = page_tables
 * (guest_abi.h describes the state of Bulkhead's guests). */
void vmcs_setup_long_mode_guest(const struct vmcs_flat_guest *guest);

/* A guest in 32-bit protected mode with paging off, as multiboot and the
 * PVH entry start a kernel (unrestricted guest lets CR0.PG be clear). */
void vmcs_setup_protected_mode_guest(const struct vmcs_flat_guest *guest);

#endif
