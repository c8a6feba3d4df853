/*
 * Unit tests of what a partition's accesses to PCI configuration space
 * reach (hv/partition_pci.c), with the device table partition_models.c
 * fills from the config and the real PCI driver over a fake function
 * behind ports 0xcf8/0xcfc: the owner's writes go through the filter, and
 * only a function named with `dma` lets it turn on bus mastering.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "drivers/pci.h"
#include "hv/ioreq.h"
#include "hv/partition.h"

#define COMMAND_OFFSET 0x04

static struct config config;
static struct partition partition;
static struct vcpu vcpu = {.partition = &partition};
static uint32_t address_register;
static uint32_t command_register; /* of every function: one fake serves all */

/* ---- stand-ins ----------------------------------------------------------- */

static enum device_result unused_model(struct vcpu *v, void *state, struct device_access *a)
{
    (void)v;
    (void)state;
    (void)a;
    cr_assert_fail("a model this test does not use was called");
    return DEVICE_DONE;
}

const struct device_model partition_debugcon_model = {"debug console", unused_model};
const struct device_model partition_exit_port_model = {"exit port", unused_model};
const struct device_model partition_keyboard_model = {"PS/2 controller", unused_model};
const struct device_model ioreq_forward_model = {"forward", unused_model};

bool arch_partition_register_platform(struct partition *p)
{
    (void)p;
    return true;
}

void cpu_outl(uint16_t port, uint32_t value)
{
    if (port == PCI_CONFIG_ADDRESS_PORT)
        address_register = value;
    else if ((address_register & 0xfc) == COMMAND_OFFSET)
        command_register = value & 0xffff;
}

void cpu_outw(uint16_t port, uint16_t value)
{
    cr_assert_eq(port, PCI_CONFIG_DATA_PORT);
    if ((address_register & 0xfc) == COMMAND_OFFSET)
        command_register = value;
}

void cpu_outb(uint16_t port, uint8_t value)
{
    (void)port;
    (void)value;
    cr_assert_fail("no byte write expected");
}

uint32_t cpu_inl(uint16_t port)
{
    cr_assert_eq(port, PCI_CONFIG_DATA_PORT);
    return (address_register & 0xfc) == COMMAND_OFFSET ? command_register : 0;
}

uint64_t cpu_interrupts_save_disable(void)
{
    return 0;
}

void cpu_interrupts_restore(uint64_t flags)
{
    (void)flags;
}

/* ---- the partition and its accesses --------------------------------------- */

/* dom0 owning these devices, its device table filled as at boot. */
static void build(const char *devices)
{
    char text[256];
    struct config_error error;

    snprintf(text, sizeof(text),
             "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = d\nprivileged = yes\n"
             "devices = %s\n",
             devices);
    cr_assert_eq(config_parse(text, strlen(text), "test.cfg", &config, &error), 0, "%s",
                 error.message);
    partition = (struct partition){.id = 1, .config = &config.partitions[0]};
    cr_assert_null(partition_models_register(&partition));
}

static void port_access(uint16_t port, unsigned size, bool write, uint64_t value)
{
    struct device_access a = {DEVICE_SPACE_PORT, port, size, write, value, 0, 0, 0};

    cr_assert_eq(device_table_access(&partition.device_models, &vcpu, &a), DEVICE_DONE);
}

/* The partition's `outw` of value to the command register of 00:SLOT.0. */
static void write_command(uint8_t slot, uint16_t value)
{
    port_access(PCI_CONFIG_ADDRESS_PORT, 4, true, 0x80000000u | (uint32_t)slot << 11 | 0x04);
    port_access(PCI_CONFIG_DATA_PORT, 2, true, value);
}

TestSuite(partition_pci);

Test(partition_pci, the_owner_cannot_turn_bus_mastering_on)
{
    build("pci 00:02.0");
    command_register = 0x3;
    write_command(2, 0x7);
    cr_expect_eq(command_register, 0x3);
}

Test(partition_pci, with_dma_the_owner_can)
{
    build("pci 00:02.0 dma, pci 00:03.0");
    command_register = 0x3;
    write_command(2, 0x7);
    cr_expect_eq(command_register, 0x7, "00:02.0 dma: bus mastering refused");
    command_register = 0x3;
    write_command(3, 0x7);
    cr_expect_eq(command_register, 0x3, "00:03.0: dma of another function applied to it");
}

Test(partition_pci, a_function_it_does_not_own_takes_no_write)
{
    build("pci 00:02.0 dma");
    command_register = 0x3;
    write_command(4, 0x7);
    cr_expect_eq(command_register, 0x3);
}
