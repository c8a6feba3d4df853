/*
 * Unit tests of handing devices to a partition (hv/partition_devices.c),
 * with the real config reader and stand-ins for what it drives: the
 * arch's ports and address space (hv/arch.h), the PCI driver and the log. The framebuffer's path is
 * tested here because the emulators with VT-x have no firmware framebuffer.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/pci.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/partition.h"

#define MAX_MAPPINGS 8
#define LOG_SIZE     4096

struct mapping {
    uint64_t guest, host, size;
    bool write_combining;
};

static struct config config;
static struct boot_info boot;
static struct partition partition;
static bool port_open[0x10000];
static unsigned port_ranges_opened;
static struct mapping mappings[MAX_MAPPINGS];
static unsigned mapping_count;
static struct pci_bar fake_bars[PCI_MAX_BARS];
static unsigned fake_bar_count;
static bool decoding_enabled;
static bool may_master;            /* what the hand-over left to the owner */
static uint16_t fake_line_and_pin; /* config offset 0x3c: line, then pin */
static uint32_t fake_class;        /* config offset 0x08, bits 31:8 */
static int written_interrupt_line; /* -1: none written */
static struct fbcon *log_framebuffer = (struct fbcon *)1;
static char log_text[LOG_SIZE];

/* ---- stand-ins ----------------------------------------------------------- */

bool arch_partition_open_ports(struct partition *p, uint16_t first, uint32_t count)
{
    cr_assert_eq(p, &partition);
    port_ranges_opened++;
    for (uint32_t port = first; port < first + count; port++)
        port_open[port] = true;
    return true;
}

bool arch_map_memory_region(struct partition *p, const struct arch_memory_region *r)
{
    cr_assert_eq(p, &partition);
    cr_assert(r->kind == ARCH_MEMORY_DEVICE || r->kind == ARCH_MEMORY_FRAMEBUFFER);
    cr_assert_lt(mapping_count, MAX_MAPPINGS);
    mappings[mapping_count++] =
        (struct mapping){r->guest_phys, r->host_phys, r->size, r->kind == ARCH_MEMORY_FRAMEBUFFER};
    return true;
}

bool arch_memory_region_unmapped(const struct partition *p, uint64_t va, uint64_t size)
{
    cr_assert_eq(p, &partition);
    for (unsigned i = 0; i < mapping_count; i++) {
        if (va < mappings[i].guest + mappings[i].size && mappings[i].guest < va + size)
            return false;
    }
    return true;
}

bool pci_function_present(struct pci_function f)
{
    return f.bus == 0 && f.slot == 2 && f.function == 0;
}

unsigned pci_read_bars(struct pci_function f, struct pci_bar *bars)
{
    cr_assert(pci_function_present(f));
    memcpy(bars, fake_bars, sizeof(fake_bars));
    return fake_bar_count;
}

uint32_t pci_config_read32(struct pci_function f, uint8_t offset)
{
    cr_assert(pci_function_present(f));
    cr_assert_eq(offset, 0x08);
    return fake_class << 8 | 0x03; /* revision 3 */
}

uint32_t pci_config_read(struct pci_function f, uint8_t offset, unsigned size)
{
    cr_assert(pci_function_present(f));
    cr_assert_eq(offset, 0x3c);
    cr_assert_eq(size, 2);
    return fake_line_and_pin;
}

void pci_config_write(struct pci_function f, uint8_t offset, unsigned size, uint32_t value)
{
    cr_assert(pci_function_present(f));
    cr_assert_eq(offset, 0x3c);
    cr_assert_eq(size, 1);
    written_interrupt_line = (int)value;
}

void pci_enable_for_owner(struct pci_function f, bool bus_master)
{
    cr_assert(pci_function_present(f));
    decoding_enabled = true;
    may_master = bus_master;
}

static void log_append(const char *prefix, const char *fmt, va_list args)
{
    size_t used = strlen(log_text);

    used += (size_t)snprintf(log_text + used, LOG_SIZE - used, "%s", prefix);
    vsnprintf(log_text + used, LOG_SIZE - used, fmt, args);
    strncat(log_text, "\n", LOG_SIZE - strlen(log_text) - 1);
}

void log_line(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_append("", fmt, args);
    va_end(args);
}

void log_error(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_append("error: ", fmt, args);
    va_end(args);
}

void log_use_framebuffer(struct fbcon *console)
{
    log_framebuffer = console;
}

/* ---- the machine and the partition --------------------------------------- */

static void reset(void)
{
    memset(&boot, 0, sizeof(boot));
    memset(port_open, 0, sizeof(port_open));
    memset(log_text, 0, sizeof(log_text));
    port_ranges_opened = mapping_count = fake_bar_count = 0;
    decoding_enabled = may_master = false;
    fake_line_and_pin = 0x010b; /* INTA#, IRQ 11 */
    fake_class = 0x020000;      /* an Ethernet controller */
    written_interrupt_line = -1;
    log_framebuffer = (struct fbcon *)1;
    boot.framebuffer =
        (struct boot_framebuffer){0xc0000000, 800 * 600 * 4, 800, 600, 800, BOOT_FB_BGRX};
    /* RAM up to 512 MiB, the hypervisor's own image in it. */
    boot.memory[0] = (struct boot_memory_region){0, 0x1e000, BOOT_MEM_USABLE, 0};
    boot.memory[1] = (struct boot_memory_region){0x1e000000, 0x100, BOOT_MEM_CORE, 0};
    boot.memory[2] = (struct boot_memory_region){0xfe000000, 0x1000, BOOT_MEM_RESERVED, 0};
    boot.memory_region_count = 3;
}

TestSuite(partition_devices, .init = reset);

/* Parses dom0 with these devices and hands them over; returns the problem. */
static const char *attach(const char *devices)
{
    char text[512];
    struct config_error error;

    snprintf(text, sizeof(text),
             "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = d\nprivileged = yes\n"
             "devices = %s\n",
             devices);
    cr_assert_eq(config_parse(text, strlen(text), "test.cfg", &config, &error), 0, "%s",
                 error.message);
    cr_assert(partition_devices_present(&config, &boot), "%s", log_text);
    partition = (struct partition){.id = 1, .config = &config.partitions[0], .ram_size = 4 << 20};
    return partition_devices_attach(&partition, &boot);
}

static void expect_logged(const char *line)
{
    cr_expect(strstr(log_text, line) != NULL, "no '%s' in the log:\n%s", line, log_text);
}

Test(partition_devices, serial_ports_open_exactly)
{
    cr_assert_null(attach("serial 0x2f8"));
    for (unsigned port = 0x2f0; port < 0x308; port++)
        cr_expect_eq(port_open[port], port >= 0x2f8 && port <= 0x2ff, "port 0x%x", port);
    cr_expect_eq(port_ranges_opened, 1);
    cr_expect_eq(partition.device_count, 1);
    cr_expect_eq(partition.devices[0].kind, GUEST_DEVICE_SERIAL);
    cr_expect_eq(partition.devices[0].id, 0x2f8);
    cr_expect_eq(partition.range_count, 1);
    cr_expect_eq(partition.ranges[0].kind, GUEST_RANGE_PORTS);
    cr_expect_eq(partition.ranges[0].size, 8);
    expect_logged("partition dom0: owns serial 0x2f8: ports 0x2f8-0x2ff open\n");
}

/* The controller's ports stay trapped for the hypervisor's filter. */
Test(partition_devices, keyboard_ports_stay_trapped)
{
    cr_assert_null(attach("keyboard"));
    cr_expect_eq(port_ranges_opened, 0);
    cr_expect(!port_open[0x60] && !port_open[0x64]);
    cr_expect_eq(partition.device_count, 1);
    cr_expect_eq(partition.devices[0].kind, GUEST_DEVICE_KEYBOARD);
    cr_expect_eq(partition.devices[0].id, 0x60);
    cr_expect_eq(partition.device_irqs[0], 1);
    expect_logged("partition dom0: owns keyboard: ports 0x60 and 0x64 trapped");
}

Test(partition_devices, no_ports_none_opened)
{
    cr_assert_null(attach("framebuffer"));
    cr_expect_eq(port_ranges_opened, 0);
}

Test(partition_devices, framebuffer_mapped_write_combining_and_handed_over)
{
    cr_assert_null(attach("framebuffer"));
    cr_assert_eq(mapping_count, 1);
    cr_expect_eq(mappings[0].guest, 0xc0000000);
    cr_expect_eq(mappings[0].host, 0xc0000000);
    cr_expect_eq(mappings[0].size, 0x1d5000, "rounded up to whole pages");
    cr_expect(mappings[0].write_combining);
    cr_expect_eq(partition.framebuffer.address, 0xc0000000);
    cr_expect_eq(partition.framebuffer.size, 800 * 600 * 4);
    cr_expect_eq(partition.framebuffer.width, 800);
    cr_expect_eq(partition.framebuffer.pixels_per_row, 800);
    cr_expect_eq(partition.framebuffer.format, BOOT_FB_BGRX);
    cr_expect_eq(partition.devices[0].kind, GUEST_DEVICE_FRAMEBUFFER);
    cr_expect_null(log_framebuffer, "the hypervisor still draws on the framebuffer");
    expect_logged("partition dom0: owns framebuffer: 0xc0000000-0xc01d4bff mapped "
                  "write-combining (800x600)\n");
    expect_logged("framebuffer: handed over to partition dom0; the log goes on on serial only\n");
}

Test(partition_devices, framebuffer_over_the_partitions_ram)
{
    boot.framebuffer.phys = 0x200000;
    cr_expect_not_null(attach("framebuffer"));
    cr_expect_eq(mapping_count, 0);
    cr_expect_not_null(log_framebuffer, "handed over although it was refused");
    expect_logged("error: partition dom0: framebuffer cannot be given to it: it overlaps the "
                  "partition's RAM");
}

Test(partition_devices, absent_framebuffer)
{
    char text[] = "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = d\nprivileged = yes\n"
                  "devices = framebuffer\n";
    struct config_error error;

    boot.framebuffer.format = BOOT_FB_NONE;
    cr_assert_eq(config_parse(text, strlen(text), "test.cfg", &config, &error), 0);
    cr_expect_not(partition_devices_present(&config, &boot));
    expect_logged("error: test.cfg:6: device 'framebuffer' of partition 'dom0' is not present");
}

Test(partition_devices, pci_bars_mapped_uncached_and_ports_opened)
{
    fake_bars[0] = (struct pci_bar){PCI_BAR_MEMORY, 0, 0x80000000, 0x20000, false, false};
    fake_bars[1] = (struct pci_bar){PCI_BAR_IO, 1, 0xc000, 0x40, false, false};
    fake_bars[2] = (struct pci_bar){PCI_BAR_MEMORY, 2, 0x800000000ull, 0x100000, true, true};
    fake_bar_count = 3;
    cr_assert_null(attach("pci 00:02.0"));
    cr_assert_eq(mapping_count, 2);
    cr_expect_eq(mappings[0].guest, 0x80000000);
    cr_expect_eq(mappings[0].size, 0x20000);
    cr_expect_not(mappings[0].write_combining);
    cr_expect_eq(mappings[1].guest, 0x800000000ull);
    cr_expect(port_open[0xc000] && port_open[0xc03f] && !port_open[0xc040]);
    cr_expect(decoding_enabled);
    cr_expect_eq(partition.devices[0].id, 2 << 3);
    cr_expect_eq(partition.range_count, 3);
    cr_expect_eq(partition.ranges[2].bar, 2);
    expect_logged("partition dom0: owns pci 00:02.0: BAR0 memory 0x80000000-0x8001ffff mapped "
                  "uncached\n");
    expect_logged("partition dom0: owns pci 00:02.0: BAR1 ports 0xc000-0xc03f open\n");
}

Test(partition_devices, pci_bus_mastering_off_by_default)
{
    may_master = true;
    cr_assert_null(attach("pci 00:02.0"));
    cr_expect(decoding_enabled);
    cr_expect_not(may_master, "the hand-over left bus mastering to the owner");
    expect_logged("partition dom0: owns pci 00:02.0: bus mastering off (no IOMMU to confine its "
                  "DMA)\n");
}

Test(partition_devices, pci_bus_mastering_with_dma_says_what_it_trusts)
{
    cr_assert_null(attach("pci 00:02.0 dma"));
    cr_expect(may_master);
    expect_logged("partition dom0: owns pci 00:02.0 dma: bus mastering allowed: with no IOMMU its "
                  "DMA reaches all memory, the hypervisor's and every partition's, so dom0 is "
                  "trusted with all of it\n");
}

Test(partition_devices, a_sub_page_bar_maps_its_page)
{
    fake_bars[0] = (struct pci_bar){PCI_BAR_MEMORY, 0, 0xfebf1010, 0x10, false, false};
    fake_bar_count = 1;
    cr_assert_null(attach("pci 00:02.0"));
    cr_expect_eq(mappings[0].guest, 0xfebf1000);
    cr_expect_eq(mappings[0].size, 0x1000);
}

Test(partition_devices, bars_that_must_not_be_mapped)
{
    static const struct {
        uint64_t base;
        const char *problem;
    } bad[] = {
        {0, "it has no address assigned"},
        {0x100000, "it overlaps the partition's RAM"},
        {0x1e001000, "it overlaps RAM of the machine"},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        reset();
        fake_bars[0] = (struct pci_bar){PCI_BAR_MEMORY, 0, bad[i].base, 0x1000, false, false};
        fake_bar_count = 1;
        cr_expect_not_null(attach("pci 00:02.0"));
        cr_expect_eq(mapping_count, 0);
        expect_logged(bad[i].problem);
    }
}

Test(partition_devices, io_bars_on_ports_the_hypervisor_keeps)
{
    static const uint64_t bases[] = {0xcf8, 0xe8, 0x3f8, 0x3fc};

    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        reset();
        fake_bars[0] = (struct pci_bar){PCI_BAR_IO, 0, bases[i], 8, false, false};
        fake_bar_count = 1;
        cr_expect_not_null(attach("pci 00:02.0"), "ports 0x%llx", (unsigned long long)bases[i]);
        cr_expect_not(port_open[bases[i]]);
    }
}

Test(partition_devices, two_devices_on_the_same_memory)
{
    fake_bars[0] = (struct pci_bar){PCI_BAR_MEMORY, 0, 0xc0000000, 0x1000, false, false};
    fake_bar_count = 1;
    cr_expect_not_null(attach("framebuffer, pci 00:02.0"));
    expect_logged("it overlaps device memory mapped already");
}

/* ---- PCI IRQs ------------------------------------------------------------ */

Test(partition_devices, a_pci_irq_from_the_interrupt_line_register)
{
    cr_assert_null(attach("serial 0x2f8, pci 00:02.0"));
    cr_expect_eq(partition.device_irqs[0], 3);
    cr_expect_eq(partition.device_irqs[1], 11);
    cr_expect_eq(written_interrupt_line, -1);
    expect_logged("partition dom0: owns pci 00:02.0: IRQ 11 (its interrupt line register), "
                  "level-triggered, active low\n");
}

Test(partition_devices, a_pci_irq_from_the_config_is_written_into_the_line_register)
{
    cr_assert_null(attach("pci 00:02.0 irq 5"));
    cr_expect_eq(partition.device_irqs[0], 5);
    cr_expect_eq(written_interrupt_line, 5);
    expect_logged("partition dom0: owns pci 00:02.0: IRQ 5 (the config's), level-triggered, "
                  "active low\n");
}

Test(partition_devices, a_function_without_an_interrupt_pin_has_no_irq)
{
    fake_line_and_pin = 0x000b;
    cr_assert_null(attach("pci 00:02.0"));
    cr_expect_eq(partition.device_irqs[0], 0);
    expect_logged("partition dom0: owns pci 00:02.0: no IRQ (its interrupt line register names "
                  "none)\n");
}

Test(partition_devices, the_firmwares_no_irq_values)
{
    uint16_t none[] = {0x0100, 0x01ff};

    for (unsigned i = 0; i < 2; i++) {
        fake_line_and_pin = none[i];
        cr_assert_null(attach("pci 00:02.0"));
        cr_expect_eq(partition.device_irqs[0], 0, "line register 0x%x", none[i]);
    }
}

/* The core reads the class code and refuses a bridge, as it refuses an
 * absent function: nothing is handed over. */
Test(partition_devices, a_bridge_stops_the_boot)
{
    char text[] = "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = d\nprivileged = yes\n"
                  "devices = serial 0x2f8, pci 00:02.0\n";
    struct config_error error;

    fake_class = 0x060100;
    cr_assert_eq(config_parse(text, strlen(text), "test.cfg", &config, &error), 0);
    cr_expect_not(partition_devices_present(&config, &boot));
    expect_logged("error: test.cfg:6: device 'pci 00:02.0' of partition 'dom0' is an ISA or LPC "
                  "bridge (class 0x0601), which no partition may own\n");
}

Test(partition_devices, a_line_register_on_an_owned_irq_stops_the_boot)
{
    char text[] = "[partition dom0]\ncpus = 0\nmemory = 4M\nimage = d\nprivileged = yes\n"
                  "devices = serial 0x2f8, pci 00:02.0\n";
    struct config_error error;

    fake_line_and_pin = 0x0103;
    cr_assert_eq(config_parse(text, strlen(text), "test.cfg", &config, &error), 0);
    cr_expect_not(partition_devices_present(&config, &boot));
    expect_logged("error: test.cfg:6: device 'pci 00:02.0' would share IRQ 3 (from its interrupt "
                  "line register) with 'serial 0x2f8'; name another with irq N\n");
}
