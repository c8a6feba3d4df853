/* Filling a fresh VMCS: execution controls, host state, guest state. */
#ifndef ARCH_X86_64_VMCS_SETUP_H
#define ARCH_X86_64_VMCS_SETUP_H

#include <stdbool.h>
#include <stdint.h>

/* Allocates, clears and loads a VMCS; returns its physical address or 0. */
uint64_t vmcs_create(void);

/* Controls for a guest under EPT and VPID that exits on HLT, all port I/O
 * and (without MSR bitmaps) every MSR access. False if the CPU refuses. */
bool vmcs_setup_controls(uint64_t eptp, uint16_t vpid);

/* Host state: this CPU's descriptor tables and page tables; VM exits land
 * in vmx_exit_entry. */
void vmcs_setup_host(void);

/* A guest in real mode, flat 64 KiB segments at 0, as after a reset but
 * starting at rip (unrestricted guest). */
void vmcs_setup_real_mode_guest(uint64_t rip, uint64_t rsp);

#endif
