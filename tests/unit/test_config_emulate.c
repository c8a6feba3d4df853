/* Unit tests of the config reader's `emulate` key (lib/config_emulate.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/config_expect.h"

#define GUEST_HEAD "[partition guest]\ncpus = 1\nmemory = 4M\nimage = guest.elf\n"

/* A full partition with `emulate = value` on line 5. */
static void expect_emulate_error(const char *value, const char *fragment)
{
    char text[512];

    snprintf(text, sizeof(text), GUEST_HEAD "emulate = %s\n", value);
    expect_error(text, 5, fragment);
}

Test(config_emulate, none_by_default)
{
    expect_ok(GUEST_HEAD);
    cr_expect_eq(config.partitions[0].emulated_count, 0);
    cr_expect_eq(config.partitions[0].emulate_line, 0);
}

Test(config_emulate, every_model)
{
    expect_ok(GUEST_HEAD "emulate = uart 0x3f8, uart-mmio 0xfe000000, pci 00:05.1\n");
    cr_assert_eq(config.partitions[0].emulated_count, 3);
    cr_expect_eq(config.partitions[0].emulate_line, 5);
    cr_expect_eq(emulated(0)->model, CONFIG_EMULATED_UART);
    cr_expect_eq(emulated(0)->space, CONFIG_EMULATED_PORTS);
    cr_expect_eq(emulated(0)->base, 0x3f8);
    cr_expect_eq(emulated(0)->length, 8);
    cr_expect_eq(emulated(1)->model, CONFIG_EMULATED_UART_MMIO);
    cr_expect_eq(emulated(1)->space, CONFIG_EMULATED_MMIO);
    cr_expect_eq(emulated(1)->base, 0xfe000000);
    cr_expect_eq(emulated(1)->length, 4096);
    cr_expect_eq(emulated(2)->space, CONFIG_EMULATED_PCI_FUNCTION);
    cr_expect_eq(emulated(2)->slot, 5);
    cr_expect_eq(emulated(2)->function, 1);
    expect_emulated_name(0, "uart 0x3f8");
    expect_emulated_name(1, "uart-mmio 0xfe000000");
    expect_emulated_name(2, "pci 00:05.1");
}

Test(config_emulate, spacing_and_decimal)
{
    expect_ok(GUEST_HEAD "emulate =  uart\t1016 ,uart 0x2f8\n");
    cr_expect_eq(emulated(0)->base, 0x3f8);
    cr_expect_eq(emulated(1)->base, 0x2f8);
}

Test(config_emulate, unknown_model)
{
    expect_emulate_error("virtio 0x1000", "unknown device model 'virtio'");
}

Test(config_emulate, empty_entry)
{
    expect_emulate_error("uart 0x3f8,", "empty entry in 'emulate'");
    expect_emulate_error("", "key 'emulate' has no value");
}

Test(config_emulate, bad_addresses)
{
    expect_emulate_error("uart", "bad address '' for model 'uart'");
    expect_emulate_error("uart 0", "bad address '0' for model 'uart'");
    expect_emulate_error("uart 0xfff9", "bad address '0xfff9'");
    expect_emulate_error("uart 0x3f8 irq 4", "bad address '0x3f8 irq 4'");
    expect_emulate_error("uart-mmio 0xfe000010", "its 4 KiB page");
    expect_emulate_error("uart-mmio 0x100000000", "below 4 GiB");
    expect_emulate_error("pci 00:20.0", "bad address '00:20.0' for model 'pci'");
}

Test(config_emulate, ports_the_hypervisor_keeps)
{
    expect_emulate_error("uart 0xe8", "overlaps the guest console port 0xe9");
    expect_emulate_error("uart 0xf0", "overlaps the guest exit port 0xf4");
    expect_emulate_error("uart 0xcf8", "overlaps the PCI configuration ports");
    expect_emulate_error("uart 0x1c", "overlaps the PIC's ports");
    expect_emulate_error("uart 0xa1", "overlaps the PIC's ports");
    expect_ok(GUEST_HEAD "emulate = uart 0xa2\n");
}

Test(config_emulate, overlapping_models)
{
    expect_emulate_error("uart 0x3f8, uart 0x3fc", "'uart 0x3fc' overlaps 'uart 0x3f8'");
    expect_emulate_error("pci 00:05.0, pci 00:05.0", "'pci 00:05.0' overlaps 'pci 00:05.0'");
    expect_ok(GUEST_HEAD "emulate = uart 0x3f8, uart 0x400\n");
}

Test(config_emulate, at_most_eight)
{
    expect_emulate_error("uart 0x100, uart 0x108, uart 0x110, uart 0x118, uart 0x120, "
                         "uart 0x128, uart 0x130, uart 0x138, uart 0x140",
                         "too many device models: at most 8");
}

Test(config_emulate, full_partitions_only)
{
    expect_error(GUEST_HEAD "emulate = uart 0x3f8\nmode = pv\n", 5,
                 "partition 'guest' is not a full partition");
}

Test(config_emulate, memory_mapped_models_lie_beyond_ram)
{
    expect_error(GUEST_HEAD "emulate = uart-mmio 0x200000\n", 5,
                 "'uart-mmio 0x200000' lies in the partition's RAM");
    expect_ok(GUEST_HEAD "emulate = uart-mmio 0x400000\n");
}

Test(config_emulate, given_twice)
{
    expect_error(GUEST_HEAD "emulate = uart 0x3f8\nemulate = uart 0x2f8\n", 6, "emulate");
}
