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

/* A guest in 64-bit long mode, paging on with CR3 = page_tables, flat
 * segments from the GDT at gdt_base (guest_abi.h describes the state). */
void vmcs_setup_long_mode_guest(uint64_t rip, uint64_t rsp, uint64_t page_tables, uint64_t gdt_base,
                                uint16_t gdt_limit);

#endif
