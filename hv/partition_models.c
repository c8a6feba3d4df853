/*
 * What a partition's device table holds, filled when the partition is
 * built: the debug console and exit ports, PCI configuration space where
 * the partition owns devices (and the functions it owns), the emulated
 * platform the arch claims (the 8259, I/O APIC and xAPIC pages of a full
 * partition, the vCPUs' x2APIC MSRs), and a forward entry for each model of dom0 its config names
 * (`emulate`), and the filter of an owned PS/2 controller. A new device model of the core is one
 * more claim here; one of the emulated x86 platform is one more claim in
 * arch_partition_register_platform().
 */
#include "drivers/pci.h"
#include "hv/ioreq.h"
#include "hv/partition.h"
#include "include/bulkhead/guest_abi.h"

#define PCI_CONFIG_PORTS 8

static bool claim(struct partition *p, enum device_space space, uint64_t first, uint64_t count,
                  const struct device_model *model)
{
    return device_table_claim(&p->device_models, space, first, count, model, 0);
}

static bool register_ports(struct partition *p)
{
    bool fits = true;

    if (p->config->console == CONFIG_CONSOLE_DEBUGCON)
        fits &= claim(p, DEVICE_SPACE_PORT, GUEST_CONSOLE_PORT, 1, &partition_debugcon_model);
    fits &= claim(p, DEVICE_SPACE_PORT, GUEST_EXIT_PORT, 1, &partition_exit_port_model);
    for (unsigned i = 0; i < p->config->device_count; i++) {
        if (p->config->devices[i].kind != CONFIG_DEVICE_KEYBOARD)
            continue;
        fits &= claim(p, DEVICE_SPACE_PORT, I8042_DATA_PORT, 1, &partition_keyboard_model);
        fits &= claim(p, DEVICE_SPACE_PORT, I8042_COMMAND_PORT, 1, &partition_keyboard_model);
    }
    return fits;
}

static uint64_t function_address(uint8_t bus, uint8_t slot, uint8_t function)
{
    return DEVICE_PCI_ADDRESS(bus, slot, function, 0);
}

static bool names_pci_function(const struct config_partition *c)
{
    for (unsigned i = 0; i < c->emulated_count; i++) {
        if (c->emulated[i].space == CONFIG_EMULATED_PCI_FUNCTION)
            return true;
    }
    return false;
}

/* The configuration ports exit for a partition with functions to reach;
 * the ones it owns go to the hardware. */
static bool register_pci(struct partition *p)
{
    const struct config_partition *c = p->config;
    bool fits = true;

    for (unsigned i = 0; i < c->device_count; i++) {
        const struct config_device *d = &c->devices[i];
        if (d->kind == CONFIG_DEVICE_PCI)
            fits &= claim(p, DEVICE_SPACE_PCI, function_address(d->bus, d->slot, d->function),
                          DEVICE_PCI_CONFIG_SIZE,
                          d->dma ? &partition_owned_pci_dma_model : &partition_owned_pci_model);
    }
    if (c->device_count || names_pci_function(c))
        fits &= claim(p, DEVICE_SPACE_PORT, PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_PORTS,
                      &partition_pci_config_model);
    return fits;
}

/* dom0's models reach exactly the ranges the config names. */
static bool register_forwarded(struct partition *p)
{
    const struct config_partition *c = p->config;
    bool fits = true;

    for (unsigned i = 0; i < c->emulated_count; i++) {
        const struct config_emulated *e = &c->emulated[i];
        if (e->space == CONFIG_EMULATED_PORTS)
            fits &= claim(p, DEVICE_SPACE_PORT, e->base, e->length, &ioreq_forward_model);
        else if (e->space == CONFIG_EMULATED_MMIO)
            fits &= claim(p, DEVICE_SPACE_MMIO, e->base, e->length, &ioreq_forward_model);
        else
            fits &= claim(p, DEVICE_SPACE_PCI, function_address(e->bus, e->slot, e->function),
                          DEVICE_PCI_CONFIG_SIZE, &ioreq_forward_model);
    }
    return fits;
}

const char *partition_models_register(struct partition *p)
{
    device_table_clear(&p->device_models);
    /* The platform before PCI: its reset register 0xCF9 lies among the
     * configuration ports and wins a byte access there. */
    if (!register_ports(p) || !arch_partition_register_platform(p) || !register_pci(p) ||
        !register_forwarded(p))
        return "its device table is full";
    return 0;
}
