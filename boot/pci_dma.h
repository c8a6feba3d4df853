/*
 * Quiets firmware-owned DMA before ExitBootServices: a controller the firmware
 * left running (USB, network, disk) could otherwise keep writing into memory
 * the core is about to give to a partition.
 */
#ifndef BOOT_PCI_DMA_H
#define BOOT_PCI_DMA_H

#include <efi.h>

/* Turns off bus mastering on every PCI function but bridges; returns how many. */
UINTN pci_dma_stop_bus_masters(void);

#endif
