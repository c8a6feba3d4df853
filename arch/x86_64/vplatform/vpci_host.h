/*
 * The PCI host bridge of a full partition's virtual bus: function 00:00.0
 * answers as a Q35 memory controller hub (8086:29c0, class 06/00/00, the
 * chipset whose ECAM window the PC layout offers), read-only. Every other
 * function is whatever the partition's device table says: absent (all
 * ones) unless a model claims its configuration space — a later emulated
 * device adds its function with one claim in the PCI space, as dom0's
 * functions (`emulate = pci`) and owned ones are added today.
 *
 * Also the ECAM arithmetic: a byte of the window names the same register
 * as a configuration cycle through ports 0xcf8/0xcfc.
 */
#ifndef ARCH_X86_64_VPLATFORM_VPCI_HOST_H
#define ARCH_X86_64_VPLATFORM_VPCI_HOST_H

#include <stdbool.h>
#include <stdint.h>

#define VPCI_HOST_VENDOR 0x8086
#define VPCI_HOST_DEVICE 0x29c0

/* `size` bytes (1, 2 or 4) of the bridge's configuration space at `offset`;
 * beyond the 256 bytes of a conventional function, all ones. */
uint32_t vpci_host_bridge_read(unsigned offset, unsigned size);

/* The configuration-space address (hv/device_model.h's DEVICE_PCI_ADDRESS)
 * of a byte `offset` into the ECAM window; false for the extended space
 * (from byte 256 of a function), which no function here has. */
bool vpci_ecam_address(uint64_t offset, uint64_t *address);

#endif
