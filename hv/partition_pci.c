/*
 * PCI configuration space as a partition that owns devices, or gets a
 * function dom0 models, sees it. Ports 0xcf8-0xcff always exit; the
 * partition has its own CONFIG_ADDRESS latch, and its data-port accesses
 * reach the hardware for the functions it owns, through the write filter
 * of drivers/pci.c (BARs stay where they were handed over, bus mastering
 * stays off unless the config says `dma` for that function), and dom0 for
 * the ones its config names (`emulate = pci`).
 * Any other function reads as absent (all ones) and takes no write; in a
 * partition with neither, the ports themselves do.
 */
#include "drivers/pci.h"
#include "hv/device_model.h"
#include "hv/partition.h"
#include "hv/spinlock.h"

/* CONFIG_ADDRESS and CONFIG_DATA are one register pair for the machine. */
static struct spinlock pci_lock;

/* Only a dword access reaches CONFIG_ADDRESS; the bytes beside it (0xcf9
 * is the reset control register) stay with the hypervisor. */
static void address_access(struct partition *p, struct device_access *a)
{
    bool latch = a->address == PCI_CONFIG_ADDRESS_PORT && a->size == 4;

    if (latch && a->write)
        p->arch.pci_config_address = (uint32_t)a->value;
    else if (!a->write)
        a->value = latch ? p->arch.pci_config_address : device_all_ones(a->size);
}

/* A data-port cycle becomes an access to the configuration space of the
 * latched function, which the partition's table routes to its model: the
 * hardware for a function the partition owns, dom0 for one it models.
 * Any other function is absent (the bare-metal entry). */
static enum device_result data_access(struct vcpu *vcpu, struct device_access *a)
{
    struct partition *p = vcpu->partition;
    unsigned byte = (unsigned)a->address - PCI_CONFIG_DATA_PORT;
    struct pci_function f;
    uint8_t offset;

    if (byte + a->size > 4 || !pci_decode_address(p->arch.pci_config_address, &f, &offset)) {
        if (!a->write)
            a->value = device_all_ones(a->size);
        return DEVICE_DONE;
    }
    struct device_access cycle = *a;
    cycle.space = DEVICE_SPACE_PCI;
    cycle.address = DEVICE_PCI_ADDRESS(f.bus, f.slot, f.function, offset + byte);
    enum device_result result = device_table_access(&p->device_models, vcpu, &cycle);
    a->value = cycle.value;
    return result;
}

static enum device_result config_ports_access(struct vcpu *vcpu, void *state,
                                              struct device_access *a)
{
    (void)state;
    if (a->address < PCI_CONFIG_DATA_PORT) {
        address_access(vcpu->partition, a);
        return DEVICE_DONE;
    }
    return data_access(vcpu, a);
}

const struct device_model partition_pci_config_model = {"PCI configuration ports",
                                                        config_ports_access};

static struct pci_function function_of(uint64_t address)
{
    return (struct pci_function){(uint8_t)(address >> 16), (uint8_t)((address >> 11) & 0x1f),
                                 (uint8_t)((address >> 8) & 7)};
}

/* A function the partition owns: the hardware's configuration space,
 * through the owner's write filter. */
static enum device_result owned_function_access(struct device_access *a, bool may_master)
{
    uint8_t offset = (uint8_t)a->address;
    uint32_t value = (uint32_t)a->value;

    spin_lock(&pci_lock);
    if (!a->write)
        a->value = pci_config_read(function_of(a->address), offset, a->size);
    else if (pci_owner_write_filter(offset, a->size, &value, may_master))
        pci_config_write(function_of(a->address), offset, a->size, value);
    spin_unlock(&pci_lock);
    return DEVICE_DONE;
}

static enum device_result owned_access(struct vcpu *vcpu, void *state, struct device_access *a)
{
    (void)vcpu;
    (void)state;
    return owned_function_access(a, false);
}

/* `pci BB:DD.F dma`: the owner may turn on the function's bus mastering. */
static enum device_result owned_dma_access(struct vcpu *vcpu, void *state, struct device_access *a)
{
    (void)vcpu;
    (void)state;
    return owned_function_access(a, true);
}

const struct device_model partition_owned_pci_model = {"owned PCI function", owned_access};
const struct device_model partition_owned_pci_dma_model = {"owned PCI function, DMA allowed",
                                                           owned_dma_access};
