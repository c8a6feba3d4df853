#include "boot/pci_dma.h"

#include <efilib.h>

#define PCI_CONFIG_BASE_CLASS 0x0b
#define PCI_CLASS_BRIDGE      0x06

/*
 * Bridges only forward other devices' DMA and do not start any of their own.
 * Leaving them alone keeps the bus usable for the OS in dom0, which enables
 * bus mastering on the endpoints it drives but may not expect to re-enable
 * it on bridges the firmware had configured.
 */
static BOOLEAN is_bridge(EFI_PCI_IO_PROTOCOL *pci)
{
    UINT8 base_class = 0;

    if (EFI_ERROR(pci->Pci.Read(pci, EfiPciIoWidthUint8, PCI_CONFIG_BASE_CLASS, 1, &base_class)))
        return TRUE; /* unknown: leave it alone */
    return base_class == PCI_CLASS_BRIDGE;
}

static BOOLEAN stop_bus_master(EFI_HANDLE handle)
{
    EFI_PCI_IO_PROTOCOL *pci;

    if (EFI_ERROR(BS->HandleProtocol(handle, &PciIoProtocol, (void **)&pci)) || is_bridge(pci))
        return FALSE;
    return !EFI_ERROR(pci->Attributes(pci, EfiPciIoAttributeOperationDisable,
                                      EFI_PCI_IO_ATTRIBUTE_BUS_MASTER, NULL));
}

UINTN pci_dma_stop_bus_masters(void)
{
    EFI_HANDLE *handles;
    UINTN count, stopped = 0;

    if (EFI_ERROR(BS->LocateHandleBuffer(ByProtocol, &PciIoProtocol, NULL, &count, &handles)))
        return 0;
    for (UINTN i = 0; i < count; i++)
        if (stop_bus_master(handles[i]))
            stopped++;
    BS->FreePool(handles);
    return stopped;
}
