/*
 * PCI configuration space as a partition that owns devices sees it. Ports
 * 0xcf8-0xcff always exit; the partition has its own CONFIG_ADDRESS latch,
 * and its data-port accesses reach the hardware only for the functions it
 * owns, through the write filter of drivers/pci.c (BARs stay where they
 * were handed over, bus mastering stays off). Any other function reads as
 * absent (all ones) and takes no write, as does every partition that owns
 * no device.
 */
#include "drivers/pci.h"
#include "hv/partition.h"
#include "hv/spinlock.h"

#define CONFIG_DATA_LAST 0xcff

/* CONFIG_ADDRESS and CONFIG_DATA are one register pair for the machine. */
static struct spinlock pci_lock;

static bool owns_function(const struct partition *p, struct pci_function f)
{
    for (unsigned i = 0; i < p->config->device_count; i++) {
        const struct config_device *d = &p->config->devices[i];
        if (d->kind == CONFIG_DEVICE_PCI && d->bus == f.bus && d->slot == f.slot &&
            d->function == f.function)
            return true;
    }
    return false;
}

bool partition_pci_config_port(const struct partition *p, uint16_t port)
{
    return p->config->device_count != 0 && port >= PCI_CONFIG_ADDRESS_PORT &&
           port <= CONFIG_DATA_LAST;
}

/* Only a dword access reaches CONFIG_ADDRESS; the bytes beside it (0xcf9
 * is the reset control register) stay with the hypervisor. */
static void address_access(struct partition *p, uint16_t port, unsigned size, bool out,
                           uint32_t *value, uint32_t all_ones)
{
    bool latch = port == PCI_CONFIG_ADDRESS_PORT && size == 4;

    if (latch && out)
        p->arch.pci_config_address = *value;
    else if (!out)
        *value = latch ? p->arch.pci_config_address : all_ones;
}

static void data_access(struct partition *p, unsigned byte, unsigned size, bool out,
                        uint32_t *value, uint32_t all_ones)
{
    struct pci_function f;
    uint8_t offset;

    if (byte + size > 4 || !pci_decode_address(p->arch.pci_config_address, &f, &offset) ||
        !owns_function(p, f)) {
        if (!out)
            *value = all_ones;
        return;
    }
    offset = (uint8_t)(offset + byte);
    spin_lock(&pci_lock);
    if (!out)
        *value = pci_config_read(f, offset, size);
    else if (pci_owner_write_filter(offset, size, value))
        pci_config_write(f, offset, size, *value);
    spin_unlock(&pci_lock);
}

void partition_pci_config_access(struct partition *p, uint16_t port, unsigned size, bool out,
                                 uint32_t *value)
{
    uint32_t all_ones = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

    if (port < PCI_CONFIG_DATA_PORT)
        address_access(p, port, size, out, value, all_ones);
    else
        data_access(p, port - PCI_CONFIG_DATA_PORT, size, out, value, all_ones);
}
