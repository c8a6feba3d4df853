#include "arch/x86_64/vplatform/vpci_host.h"

#include "hv/device_model.h"

#define HEADER_BYTES 64
#define CONFIG_BYTES 256

/* The type 0 header: IDs, command (memory space on), status, revision 0,
 * class 06/00/00 (host bridge), single function; the rest reads 0. */
static const uint8_t header[HEADER_BYTES] = {
    [0x00] = VPCI_HOST_VENDOR & 0xff,
    [0x01] = VPCI_HOST_VENDOR >> 8,
    [0x02] = VPCI_HOST_DEVICE & 0xff,
    [0x03] = VPCI_HOST_DEVICE >> 8,
    [0x04] = 0x06, /* memory space, bus master */
    [0x0b] = 0x06, /* base class: bridge; sub-class 0 host, interface 0 */
};

uint32_t vpci_host_bridge_read(unsigned offset, unsigned size)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned at = offset + i;
        uint8_t byte = at < HEADER_BYTES ? header[at] : at < CONFIG_BYTES ? 0 : 0xff;
        value |= (uint32_t)byte << (8 * i);
    }
    return value;
}

/* ECAM: bus in bits 27:20, device 19:15, function 14:12, register 11:0. */
bool vpci_ecam_address(uint64_t offset, uint64_t *address)
{
    unsigned reg = offset & 0xfff;

    if (reg >= CONFIG_BYTES)
        return false;
    *address =
        DEVICE_PCI_ADDRESS((offset >> 20) & 0xff, (offset >> 15) & 0x1f, (offset >> 12) & 7, reg);
    return true;
}
