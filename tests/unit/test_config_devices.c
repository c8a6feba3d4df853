/* Unit tests of the config reader's `devices` key (lib/config_devices.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/config_expect.h"

#define DOM0_HEAD "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = dom0.elf\nprivileged = yes\n"

/* dom0 with `devices = value` on line 6. */
static void expect_devices_error(const char *value, const char *fragment)
{
    char text[512];

    snprintf(text, sizeof(text), DOM0_HEAD "devices = %s\n", value);
    expect_error(text, 6, fragment);
}

static const struct config_device *device(unsigned index)
{
    cr_assert_lt(index, config.partitions[0].device_count);
    return &config.partitions[0].devices[index];
}

static void expect_name(unsigned index, const char *name)
{
    char buf[32];

    config_device_name(device(index), buf, sizeof(buf));
    cr_expect_str_eq(buf, name);
}

Test(config_devices, none_by_default)
{
    expect_ok(DOM0_HEAD);
    cr_expect_eq(config.partitions[0].device_count, 0);
    cr_expect_eq(config.partitions[0].devices_line, 0);
}

Test(config_devices, every_kind)
{
    expect_ok(DOM0_HEAD "devices = serial 0x2f8, framebuffer, pci 00:02.0\n");
    cr_assert_eq(config.partitions[0].device_count, 3);
    cr_expect_eq(config.partitions[0].devices_line, 6);
    cr_expect_eq(device(0)->kind, CONFIG_DEVICE_SERIAL);
    cr_expect_eq(device(0)->port, 0x2f8);
    cr_expect_eq(device(1)->kind, CONFIG_DEVICE_FRAMEBUFFER);
    cr_expect_eq(device(2)->kind, CONFIG_DEVICE_PCI);
    cr_expect_eq(device(2)->bus, 0);
    cr_expect_eq(device(2)->slot, 2);
    cr_expect_eq(device(2)->function, 0);
    expect_name(0, "serial 0x2f8");
    expect_name(1, "framebuffer");
    expect_name(2, "pci 00:02.0");
}

Test(config_devices, spacing_case_and_decimal_ports)
{
    expect_ok(DOM0_HEAD "devices =serial\t760 ,pci fF:1F.7,   serial 0x3E8\n");
    cr_assert_eq(config.partitions[0].device_count, 3);
    cr_expect_eq(device(0)->port, 760);
    cr_expect_eq(device(1)->bus, 0xff);
    cr_expect_eq(device(1)->slot, 0x1f);
    cr_expect_eq(device(1)->function, 7);
    cr_expect_eq(device(2)->port, 0x3e8);
    expect_name(1, "pci ff:1f.7");
}

Test(config_devices, key_may_come_before_privileged)
{
    expect_ok("[partition dom0]\ndevices = serial 0x2f8\ncpus = 0\nmemory = 4M\nimage = d\n"
              "privileged = yes\n");
    cr_expect_eq(config.partitions[0].device_count, 1);
}

Test(config_devices, only_the_privileged_partition)
{
    expect_error("[partition guest]\ncpus = 1\nmemory = 4M\nimage = g\ndevices = serial 0x2f8\n", 5,
                 "partition 'guest' may not own devices");
    expect_error(DOM0_HEAD "[partition guest]\ncpus = 1\nmemory = 4M\nimage = g\n"
                           "privileged = no\ndevices = framebuffer\n",
                 11, "only the privileged partition");
}

Test(config_devices, unknown_kind)
{
    expect_devices_error("serial 0x2f8, usb 1", "unknown device kind 'usb'");
    expect_devices_error("Serial 0x2f8", "unknown device kind 'Serial'");
    expect_devices_error("0x2f8",
                         "known kinds are serial PORT [irq N], framebuffer, keyboard, pci BB:DD.F");
}

Test(config_devices, bad_serial_ports)
{
    const char *bad[] = {"serial",         "serial 0",      "serial 0xfff9",
                         "serial 0x10000", "serial 0x2f8x", "serial -1",
                         "serial 0x",      "serial 2f8",    "serial 0x2f8 0x3f8"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_devices_error(bad[i], "bad serial port");
    expect_ok(DOM0_HEAD "devices = serial 0xfff8\n");
}

Test(config_devices, bad_pci_addresses)
{
    const char *bad[] = {"pci",          "pci 00:02",   "pci 00.02.0",  "pci 000:02.0",
                         "pci 00:20.0",  "pci 00:02.8", "pci 00:02.",   "pci :02.0",
                         "pci 00:02.00", "pci 0g:02.0", "pci 00:02.0 x"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_devices_error(bad[i], "bad PCI address");
}

/* The PS/2 controller has fixed ports and the PC's IRQ 1. */
Test(config_devices, keyboard)
{
    expect_ok(DOM0_HEAD "devices = framebuffer, keyboard\n");
    cr_assert_eq(config.partitions[0].device_count, 2);
    cr_expect_eq(device(1)->kind, CONFIG_DEVICE_KEYBOARD);
    cr_expect_eq(device(1)->irq, 1);
    expect_name(1, "keyboard");
    expect_devices_error("keyboard 0x60", "device 'keyboard' takes no argument");
    expect_devices_error("keyboard, keyboard", "device 'keyboard' is given twice");
    expect_devices_error("serial 0x2f8 irq 1, keyboard", "would share IRQ 1");
}

Test(config_devices, framebuffer_takes_no_argument)
{
    expect_devices_error("framebuffer 0xe0000000", "takes no argument");
}

Test(config_devices, empty_entries)
{
    expect_devices_error("serial 0x2f8,", "empty entry");
    expect_devices_error(", framebuffer", "empty entry");
    expect_devices_error("framebuffer,,pci 00:02.0", "empty entry");
    expect_error(DOM0_HEAD "devices =\n", 6, "key 'devices' has no value");
}

Test(config_devices, a_device_given_twice)
{
    expect_devices_error("framebuffer, serial 0x2f8, framebuffer",
                         "device 'framebuffer' is given twice");
    expect_devices_error("serial 0x2f8, serial 760", "device 'serial 0x2f8' is given twice");
    expect_devices_error("pci 00:02.0, pci 00:02.0", "device 'pci 00:02.0' is given twice");
    expect_devices_error("serial 0x2f8, serial 0x2fc",
                         "device 'serial 0x2fc' shares ports with 'serial 0x2f8'");
    expect_ok(DOM0_HEAD "devices = serial 0x2f8, serial 0x300, pci 00:02.0, pci 00:02.1\n");
}

Test(config_devices, the_key_given_twice)
{
    expect_error(DOM0_HEAD "devices = framebuffer\ndevices = serial 0x2f8\n", 7,
                 "key 'devices' is given twice");
}

Test(config_devices, too_many)
{
    expect_devices_error("serial 0x100, serial 0x108, serial 0x110, serial 0x118, serial 0x120, "
                         "serial 0x128, serial 0x130, serial 0x138, serial 0x140",
                         "too many devices: at most 8");
}

Test(config_devices, ports_the_hypervisor_keeps)
{
    expect_devices_error("serial 0xe8", "the guest console port 0xe9");
    expect_devices_error("serial 0xf0", "the guest exit port 0xf4");
    expect_devices_error("serial 0xcf8", "the PCI configuration ports");
    expect_devices_error("serial 0xcf1", "the PCI configuration ports");
    expect_ok(DOM0_HEAD "devices = serial 0xcf0, serial 0xd00, serial 0xe1, serial 0xf5\n");
}

/* A UART's 8 ports over any register of the chipset are refused, each
 * with its own words; ports next to them are not. */
Test(config_devices, chipset_ports)
{
    static const struct {
        const char *devices, *fragment;
    } refused[] = {
        {"serial 0x1", "serial 0x01 overlaps the DMA controller's ports 0x0-0x1f"},
        {"serial 0x18", "the DMA controller's ports 0x0-0x1f"},
        {"serial 0x20", "the master PIC's ports 0x20-0x21"},
        {"serial 0x3c", "the PIT's ports 0x40-0x43"},
        {"serial 0x43", "the PIT's ports 0x40-0x43"},
        {"serial 0x59", "the keyboard controller's port 0x60"},
        {"serial 0x61", "the speaker and NMI status port 0x61"},
        {"serial 0x62", "the keyboard controller's port 0x64"},
        {"serial 0x69", "the CMOS and NMI mask ports 0x70-0x71"},
        {"serial 0x71", "the CMOS and NMI mask ports 0x70-0x71"},
        {"serial 0x79", "the POST code and DMA page ports 0x80-0x8f"},
        {"serial 0x88", "the POST code and DMA page ports 0x80-0x8f"},
        {"serial 0x90", "the fast A20 and reset port 0x92"},
        {"serial 0x92", "the fast A20 and reset port 0x92"},
        {"serial 0x9a", "the slave PIC's ports 0xa0-0xa1"},
        {"serial 0xb9", "the second DMA controller's ports 0xc0-0xdf"},
        {"serial 0xdf", "the second DMA controller's ports 0xc0-0xdf"},
        {"serial 0x4c9", "the interrupt trigger (ELCR) ports 0x4d0-0x4d1"},
        {"serial 0x4d1", "the interrupt trigger (ELCR) ports 0x4d0-0x4d1"},
        {"serial 0xcf2", "the PCI configuration ports 0xcf8-0xcff"}, /* reset control 0xcf9 */
    };

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        expect_devices_error(refused[i].devices, refused[i].fragment);
        cr_expect(strstr(error.message, "which the hypervisor keeps"), "%s", error.message);
    }
    expect_ok(DOM0_HEAD "devices = serial 0x44, serial 0x72, serial 0xa2, serial 0xe0\n");
    expect_ok(DOM0_HEAD "devices = serial 0x22, serial 0x2a, serial 0x4d2, serial 0x4c8\n");
    expect_ok(DOM0_HEAD "devices = serial 0x2e8, serial 0x3e8, serial 0x93\n");
}

Test(config_devices, the_hypervisor_console_whole_or_not_at_all)
{
    /* serial defaults to 0x3f8: owning it takes over the console */
    expect_ok(DOM0_HEAD "devices = serial 0x3f8\n");
    expect_devices_error("serial 0x3fc", "overlaps the hypervisor's console (serial = 0x3f8");
    expect_error(DOM0_HEAD "devices = serial 0x2fc\n[hypervisor]\nserial = 0x2f8\n", 6,
                 "serial 0x2fc overlaps the hypervisor's console (serial = 0x2f8");
    expect_ok("[hypervisor]\nserial = none\n" DOM0_HEAD "devices = serial 0x3f8\n");
    expect_ok("[hypervisor]\nserial = 0x2f8\n" DOM0_HEAD "devices = serial 0x3f8\n");
}

/* ---- the checks against the machine ---------------------------------------- */

static bool only_00_02_0(uint8_t bus, uint8_t slot, uint8_t function)
{
    return bus == 0 && slot == 2 && function == 0;
}

/* What the interrupt line register of every function holds. */
static uint8_t firmware_line = CONFIG_PCI_NO_LINE;

static uint8_t line_register(uint8_t bus, uint8_t slot, uint8_t function)
{
    (void)bus;
    (void)slot;
    (void)function;
    return firmware_line;
}

/* The class code of every function: a network controller unless a test
 * says otherwise. */
static uint32_t function_class = 0x020000;

static uint32_t class_register(uint8_t bus, uint8_t slot, uint8_t function)
{
    cr_assert(only_00_02_0(bus, slot, function), "the class of an absent function was read");
    return function_class;
}

static int check(bool has_framebuffer)
{
    struct config_machine_devices machine = {has_framebuffer, only_00_02_0, line_register,
                                             class_register};

    return config_check_devices(&config, &machine, &error);
}

Test(config_devices, present_devices_pass)
{
    expect_ok(DOM0_HEAD "devices = serial 0x2f8, framebuffer, pci 00:02.0\n");
    cr_expect_eq(check(true), 0, "%s", error.message);
}

Test(config_devices, absent_pci_function)
{
    expect_ok("\n" DOM0_HEAD "devices = pci 00:02.0, pci 00:03.0\n");
    cr_assert_eq(check(true), -1);
    cr_expect_eq(error.line, 7);
    cr_expect_str_eq(error.file, "test.cfg");
    cr_expect_str_eq(error.message,
                     "device 'pci 00:03.0' of partition 'dom0' is not present on this machine");
}

/* Bridges (class 0x06) belong to the chipset: refused with the function
 * and its class, at the devices line, like an absent function. */
Test(config_devices, bridges_are_refused)
{
    static const struct {
        uint32_t class_code;
        const char *message;
    } bridges[] = {
        {0x060000, "device 'pci 00:02.0 dma' of partition 'dom0' is a host bridge (class 0x0600), "
                   "which no partition may own"},
        {0x060100, "device 'pci 00:02.0 dma' of partition 'dom0' is an ISA or LPC bridge (class "
                   "0x0601), which no partition may own"},
        {0x060400,
         "device 'pci 00:02.0 dma' of partition 'dom0' is a PCI-PCI bridge (class 0x0604), "
         "which no partition may own"},
        {0x060401, "a PCI-PCI bridge (class 0x0604)"},
        {0x060940, "a PCI-PCI bridge (class 0x0609)"},
        {0x068000, "device 'pci 00:02.0 dma' of partition 'dom0' is a bridge (class 0x0680), which "
                   "no partition may own"},
        {0x060700, "a bridge (class 0x0607)"},
    };

    expect_ok("\n" DOM0_HEAD "devices = serial 0x2f8, pci 00:02.0 dma\n");
    for (size_t i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++) {
        function_class = bridges[i].class_code;
        cr_expect_eq(check(true), -1, "class 0x%06x accepted", bridges[i].class_code);
        cr_expect_eq(error.line, 7);
        cr_expect(strstr(error.message, bridges[i].message), "%s", error.message);
    }
    function_class = 0x020000;
}

Test(config_devices, devices_of_other_classes_pass)
{
    static const uint32_t classes[] = {0x010601, 0x020000, 0x030000, 0x050000,
                                       0x070002, 0x0c0330, 0x000000, 0xff0000};

    expect_ok(DOM0_HEAD "devices = pci 00:02.0\n");
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        function_class = classes[i];
        cr_expect_eq(check(true), 0, "class 0x%06x: %s", classes[i], error.message);
    }
    function_class = 0x020000;
}

Test(config_devices, absent_framebuffer)
{
    expect_ok(DOM0_HEAD "devices = framebuffer\n");
    cr_assert_eq(check(false), -1);
    cr_expect_eq(error.line, 6);
    cr_expect(strstr(error.message, "device 'framebuffer' of partition 'dom0' is not present"));
}

Test(config_devices, serial_irqs_default_for_com1_and_com2)
{
    expect_ok("[hypervisor]\nserial = none\n" DOM0_HEAD
              "devices = serial 0x3f8, serial 0x2f8, serial 0x3e8\n");
    cr_expect_eq(device(0)->irq, 4);
    cr_expect_eq(device(1)->irq, 3);
    cr_expect_eq(device(2)->irq, 0);
}

Test(config_devices, an_explicit_serial_irq)
{
    expect_ok(DOM0_HEAD "devices = serial 0x2f8 irq 5, serial 0x3e8\tirq  0x0b, framebuffer\n");
    cr_expect_eq(device(0)->port, 0x2f8);
    cr_expect_eq(device(0)->irq, 5);
    cr_expect_eq(device(1)->irq, 11);
    expect_name(0, "serial 0x2f8");
}

Test(config_devices, bad_serial_irqs)
{
    const char *bad[] = {"serial 0x2f8 irq",    "serial 0x2f8 irq 0",  "serial 0x2f8 irq 2",
                         "serial 0x2f8 irq 24", "serial 0x2f8 irq 3x", "serial 0x2f8 irq 3 4",
                         "serial 0x2f8 irq -1"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_devices_error(bad[i], "bad IRQ");
    expect_devices_error("serial 0x2f8 irg 3", "bad serial port '0x2f8 irg 3'");
}

Test(config_devices, two_serials_on_one_irq_are_refused)
{
    expect_devices_error("serial 0x2f8, serial 0x2e8 irq 3",
                         "device 'serial 0x2e8' would share IRQ 3 with 'serial 0x2f8'");
    expect_ok(DOM0_HEAD "devices = serial 0x2f8, serial 0x2e8 irq 5\n");
}

/* ---- PCI IRQs ---------------------------------------------------------------- */

Test(config_devices, a_pci_irq_in_the_config)
{
    expect_ok(DOM0_HEAD "devices = pci 00:02.0 irq 11, serial 0x2f8\n");
    cr_expect_eq(device(0)->irq, 11);
    cr_expect_eq(device(0)->slot, 2);
    expect_name(0, "pci 00:02.0");
    cr_expect_eq(config_device_irq(device(0), 5), 11); /* the config wins */
}

Test(config_devices, without_irq_the_interrupt_line_register_decides)
{
    expect_ok(DOM0_HEAD "devices = pci 00:02.0, serial 0x2f8\n");
    cr_expect_eq(device(0)->irq, 0);
    cr_expect_eq(config_device_irq(device(0), 10), 10);
    cr_expect_eq(config_device_irq(device(0), 0), 0);
    cr_expect_eq(config_device_irq(device(0), CONFIG_PCI_NO_LINE), 0);
    cr_expect_eq(config_device_irq(device(0), 2), 0);
    cr_expect_eq(config_device_irq(device(0), 24), 0);
    cr_expect_eq(config_device_irq(device(1), 10), 3); /* a UART keeps its own */
}

Test(config_devices, pci_lines_are_level_triggered_serial_lines_edge)
{
    expect_ok(DOM0_HEAD "devices = pci 00:02.0, serial 0x2f8, framebuffer\n");
    cr_expect(config_device_irq_is_level(device(0)));
    cr_expect_not(config_device_irq_is_level(device(1)));
    cr_expect_not(config_device_irq_is_level(device(2)));
}

Test(config_devices, bad_pci_irqs)
{
    const char *bad[] = {"pci 00:02.0 irq",    "pci 00:02.0 irq 0",  "pci 00:02.0 irq 2",
                         "pci 00:02.0 irq 24", "pci 00:02.0 irq 1x", "pci 00:02.0 irq 11 4"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_devices_error(bad[i], "bad IRQ");
    expect_devices_error("pci 00:02.0 irq 2", "bad IRQ '2' for pci 00:02.0; expected a number");
    expect_devices_error("pci 00:02.0 irg 11", "bad PCI address '00:02.0 irg 11'");
}

/* `dma` lets the owner turn on bus mastering; it comes last, and the name
 * says it wherever the device is named. */
Test(config_devices, the_dma_opt_in)
{
    expect_ok(DOM0_HEAD "devices = pci 00:02.0 dma, pci 00:03.0, pci 00:04.0 irq 11\tdma ,"
                        "pci 00:05.0 irq 5\n");
    cr_expect(device(0)->dma);
    cr_expect_not(device(1)->dma);
    cr_expect(device(2)->dma);
    cr_expect_eq(device(2)->irq, 11);
    cr_expect_not(device(3)->dma);
    cr_expect_eq(device(3)->irq, 5);
    expect_name(0, "pci 00:02.0 dma");
    expect_name(1, "pci 00:03.0");
    expect_name(2, "pci 00:04.0 dma");
    expect_name(3, "pci 00:05.0");
}

Test(config_devices, bad_dma_clauses)
{
    const char *bad[] = {"pci 00:02.0 dma irq 11",
                         "pci 00:02.0 dma dma",
                         "pci 00:02.0dma",
                         "pci 00:02.0 DMA",
                         "pci dma",
                         "pci 00:02.0 dmax"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_devices_error(bad[i], "bad PCI address");
    expect_devices_error("pci 00:02.0 irq dma", "bad IRQ '' for pci 00:02.0 dma");
    expect_devices_error("serial 0x2f8 dma", "bad serial port");
    expect_devices_error("framebuffer dma", "takes no argument");
    expect_devices_error("pci 00:02.0 dma, pci 00:02.0", "device 'pci 00:02.0' is given twice");
}

Test(config_devices, explicit_pci_irqs_may_not_be_shared)
{
    expect_devices_error("serial 0x2f8, pci 00:02.0 irq 3",
                         "device 'pci 00:02.0' would share IRQ 3 with 'serial 0x2f8'");
}

Test(config_devices, the_firmware_line_is_checked_against_the_machine)
{
    expect_ok(DOM0_HEAD "devices = serial 0x2f8, pci 00:02.0\n");
    firmware_line = 11;
    cr_expect_eq(check(true), 0, "%s", error.message);
    firmware_line = 0;
    cr_expect_eq(check(true), 0, "%s", error.message);
    firmware_line = CONFIG_PCI_NO_LINE;
    cr_expect_eq(check(true), 0, "%s", error.message);
}

Test(config_devices, a_firmware_line_shared_with_another_device_is_refused)
{
    expect_ok(DOM0_HEAD "devices = serial 0x2f8, pci 00:02.0\n");
    firmware_line = 3;
    cr_assert_eq(check(true), -1);
    firmware_line = CONFIG_PCI_NO_LINE;
    cr_expect_eq(error.line, 6);
    cr_expect_str_eq(error.message, "device 'pci 00:02.0' would share IRQ 3 (from its interrupt "
                                    "line register) with 'serial 0x2f8'; name another with irq N");
}

Test(config_devices, an_unusable_firmware_line_is_refused)
{
    expect_ok(DOM0_HEAD "devices = pci 00:02.0\n");
    firmware_line = 42;
    cr_assert_eq(check(true), -1);
    firmware_line = CONFIG_PCI_NO_LINE;
    cr_expect_eq(error.line, 6);
    cr_expect(
        strstr(error.message, "device 'pci 00:02.0': its interrupt line register says IRQ 42"),
        "%s", error.message);
}

Test(config_devices, an_explicit_irq_ignores_the_firmware_line)
{
    expect_ok(DOM0_HEAD "devices = serial 0x2f8, pci 00:02.0 irq 11\n");
    firmware_line = 3;
    cr_expect_eq(check(true), 0, "%s", error.message);
    firmware_line = CONFIG_PCI_NO_LINE;
}

Test(config_devices, an_ata_channel)
{
    expect_ok(DOM0_HEAD "devices = ata 0x170, serial 0x2f8\n");
    cr_expect_eq(device(0)->kind, CONFIG_DEVICE_ATA);
    cr_expect_eq(device(0)->port, 0x170);
    cr_expect_eq(device(0)->irq, 0); /* polled */
    expect_name(0, "ata 0x170");
}

Test(config_devices, bad_ata_channels)
{
    expect_devices_error("ata", "bad ATA port ''; expected the first port of a channel's command "
                                "block (its control block lies 0x206 above), as in ata 0x170");
    expect_devices_error("ata 0xfe00", "bad ATA port '0xfe00'");
    expect_devices_error("ata 0x170 irq 15", "bad ATA port '0x170 irq 15'");
    expect_devices_error("ata 0x170, ata 0x170", "device 'ata 0x170' is given twice");
    /* The control block at 0x3f6 lies among COM1's ports 0x3f0-0x3f7. */
    expect_devices_error("serial 0x3f0, ata 0x1f0",
                         "device 'ata 0x1f0' shares ports with 'serial 0x3f0'");
    expect_devices_error("ata 0x1f0, ata 0x1f4",
                         "device 'ata 0x1f4' shares ports with 'ata 0x1f0'");
    expect_devices_error("ata 0x40", "ata 0x40 overlaps the PIT's ports 0x40-0x43");
    expect_devices_error("ata 0xcf4", "ata 0xcf4 overlaps the PCI configuration ports");
}
