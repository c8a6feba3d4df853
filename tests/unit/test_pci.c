/*
 * Unit tests of the PCI driver (drivers/pci.c) against a fake configuration
 * space behind ports 0xcf8/0xcfc: BARs answer a write of all ones with
 * their size mask, as hardware does, and the fake notes whether a BAR ever
 * held all ones while interrupts or the function's decoding were on.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include "drivers/pci.h"

#define FAKE_FUNCTIONS 4
#define RFLAGS_IF      (1ull << 9)

struct fake_function {
    struct pci_function address;
    uint32_t regs[64];
    uint64_t bar_size[PCI_MAX_BARS]; /* 0: the register is not a BAR's low half */
    bool upper_half[PCI_MAX_BARS];   /* the high dword of the 64-bit BAR below */
};

static struct fake_function fakes[FAKE_FUNCTIONS];
static unsigned fake_count;
static uint32_t address_register;
static bool interrupts_on = true;
static bool sized_unsafely;

uint64_t cpu_interrupts_save_disable(void)
{
    uint64_t flags = interrupts_on ? RFLAGS_IF : 0;

    interrupts_on = false;
    return flags;
}

void cpu_interrupts_restore(uint64_t flags)
{
    interrupts_on = flags & RFLAGS_IF;
}

static struct fake_function *addressed(uint8_t *offset)
{
    struct pci_function f = {(uint8_t)(address_register >> 16), (address_register >> 11) & 0x1f,
                             (address_register >> 8) & 0x7};

    cr_assert(address_register & (1u << 31), "configuration access without the enable bit");
    *offset = address_register & 0xfc;
    for (unsigned i = 0; i < fake_count; i++) {
        struct pci_function a = fakes[i].address;
        if (a.bus == f.bus && a.slot == f.slot && a.function == f.function)
            return &fakes[i];
    }
    return NULL;
}

static unsigned bar_of(uint8_t offset)
{
    return offset >= 0x10 && offset < 0x28 ? (offset - 0x10u) / 4 : PCI_MAX_BARS;
}

/* A BAR keeps only the address bits its size allows, and its type bits. */
static uint32_t bar_write(const struct fake_function *fake, unsigned bar, uint32_t value)
{
    if (fake->upper_half[bar])
        return value & (uint32_t)(~(fake->bar_size[bar - 1] - 1) >> 32);
    if (fake->bar_size[bar] == 0)
        return 0;
    uint32_t type_bits = fake->regs[4 + bar] & ((fake->regs[4 + bar] & 1) ? 0x3 : 0xf);
    uint32_t address_bits = (uint32_t) ~(fake->bar_size[bar] - 1) & ((type_bits & 1) ? ~3u : ~0xfu);
    return (value & address_bits) | type_bits;
}

/* All ones in a BAR makes the device decode wherever its size mask says. */
static void note_sizing(const struct fake_function *fake)
{
    if (interrupts_on || (fake->regs[1] & 0x3))
        sized_unsafely = true;
}

void cpu_outl(uint16_t port, uint32_t value)
{
    uint8_t offset;
    struct fake_function *fake;

    if (port == PCI_CONFIG_ADDRESS_PORT) {
        address_register = value;
        return;
    }
    cr_assert_eq(port, PCI_CONFIG_DATA_PORT);
    fake = addressed(&offset);
    if (!fake)
        return;
    unsigned bar = bar_of(offset);
    if (bar < PCI_MAX_BARS && (fake->bar_size[bar] || fake->upper_half[bar])) {
        fake->regs[offset / 4] = bar_write(fake, bar, value);
        if (value == 0xffffffffu)
            note_sizing(fake);
    } else if (bar < PCI_MAX_BARS) {
        fake->regs[offset / 4] = 0; /* an unimplemented BAR reads as zero */
    } else {
        fake->regs[offset / 4] = value;
    }
}

/* Narrow writes land in their bytes of the dword (the fake's BARs are only
 * written whole by the driver). */
static void narrow_write(uint16_t port, uint32_t value, unsigned size)
{
    uint8_t offset;
    struct fake_function *fake;
    unsigned shift = (port - PCI_CONFIG_DATA_PORT) * 8;
    uint32_t mask = ((size == 1 ? 0xffu : 0xffffu) << shift);

    cr_assert(port >= PCI_CONFIG_DATA_PORT && port + size <= PCI_CONFIG_DATA_PORT + 4);
    fake = addressed(&offset);
    if (fake)
        fake->regs[offset / 4] = (fake->regs[offset / 4] & ~mask) | ((value << shift) & mask);
}

void cpu_outb(uint16_t port, uint8_t value)
{
    narrow_write(port, value, 1);
}

void cpu_outw(uint16_t port, uint16_t value)
{
    narrow_write(port, value, 2);
}

uint32_t cpu_inl(uint16_t port)
{
    uint8_t offset;
    struct fake_function *fake;

    cr_assert_eq(port, PCI_CONFIG_DATA_PORT);
    fake = addressed(&offset);
    return fake ? fake->regs[offset / 4] : 0xffffffffu;
}

static struct fake_function *add_fake(uint8_t bus, uint8_t slot, uint8_t function,
                                      uint8_t header_type)
{
    struct fake_function *fake = &fakes[fake_count++];

    memset(fake, 0, sizeof(*fake));
    fake->address = (struct pci_function){bus, slot, function};
    fake->regs[0] = 0x11111234; /* device 0x1111, vendor 0x1234 */
    fake->regs[1] = 0x02800007; /* status bits set; I/O, memory, bus master */
    fake->regs[3] = (uint32_t)header_type << 16;
    return fake;
}

static void set_bar(struct fake_function *fake, unsigned bar, uint64_t base, uint64_t size,
                    uint32_t type_bits)
{
    fake->bar_size[bar] = size;
    fake->regs[4 + bar] = (uint32_t)base | type_bits;
    if ((type_bits & 0x6) == 0x4) {
        fake->upper_half[bar + 1] = true;
        fake->regs[5 + bar] = (uint32_t)(base >> 32);
    }
}

static void reset(void)
{
    fake_count = 0;
    interrupts_on = true;
    sized_unsafely = false;
}

TestSuite(pci, .init = reset);

Test(pci, absent_functions_read_all_ones)
{
    add_fake(0, 2, 0, 0);
    cr_expect(pci_function_present((struct pci_function){0, 2, 0}));
    cr_expect_not(pci_function_present((struct pci_function){0, 2, 1}));
    cr_expect_not(pci_function_present((struct pci_function){1, 2, 0}));
    cr_expect_eq(pci_config_read32((struct pci_function){0, 3, 0}, 0), 0xffffffffu);
}

Test(pci, configuration_address_layout)
{
    pci_config_read32((struct pci_function){0x12, 0x1f, 7}, 0x13);
    cr_expect_eq(address_register, 0x8012ff10u);
}

Test(pci, device_bars_sized_and_restored)
{
    struct fake_function *fake = add_fake(0, 3, 0, 0x80);
    struct pci_bar bars[PCI_MAX_BARS];
    uint32_t before[64];

    set_bar(fake, 0, 0xfebf0000, 0x1000, 0x0);        /* 32-bit memory, 4 KiB */
    set_bar(fake, 1, 0xc040, 0x20, 0x1);              /* I/O, 32 ports */
    set_bar(fake, 2, 0x800000000ull, 0x4000000, 0xc); /* 64-bit prefetchable, 64 MiB */
    set_bar(fake, 5, 0xfe000000, 0x800000, 0x8);      /* 32-bit prefetchable, 8 MiB */
    memcpy(before, fake->regs, sizeof(before));

    unsigned count = pci_read_bars(fake->address, bars);

    cr_assert_eq(count, 4);
    cr_expect_eq(bars[0].kind, PCI_BAR_MEMORY);
    cr_expect_eq(bars[0].index, 0);
    cr_expect_eq(bars[0].base, 0xfebf0000);
    cr_expect_eq(bars[0].size, 0x1000);
    cr_expect_not(bars[0].is_64bit);
    cr_expect_eq(bars[1].kind, PCI_BAR_IO);
    cr_expect_eq(bars[1].base, 0xc040);
    cr_expect_eq(bars[1].size, 0x20);
    cr_expect_eq(bars[2].kind, PCI_BAR_MEMORY);
    cr_expect_eq(bars[2].index, 2);
    cr_expect_eq(bars[2].base, 0x800000000ull);
    cr_expect_eq(bars[2].size, 0x4000000);
    cr_expect(bars[2].is_64bit);
    cr_expect(bars[2].prefetchable);
    cr_expect_eq(bars[3].index, 5);
    cr_expect_eq(bars[3].size, 0x800000);
    cr_expect(bars[3].prefetchable);
    cr_expect_not(sized_unsafely, "a BAR held all ones with interrupts or decoding on");
    cr_expect(interrupts_on, "interrupts stay off after sizing");
    cr_expect_eq(fake->regs[1] & 0xffff, before[1] & 0xffff, "command register not restored");
    for (unsigned i = 4; i < 10; i++)
        cr_expect_eq(fake->regs[i], before[i], "BAR register %u not restored", i - 4);
}

Test(pci, sizing_leaves_interrupts_off_when_they_were)
{
    struct fake_function *fake = add_fake(0, 3, 0, 0);
    struct pci_bar bars[PCI_MAX_BARS];

    set_bar(fake, 0, 0xfebf0000, 0x1000, 0x0);
    interrupts_on = false;
    cr_expect_eq(pci_read_bars(fake->address, bars), 1);
    cr_expect_not(interrupts_on);
}

Test(pci, a_64bit_bar_above_4g_with_a_large_size)
{
    struct fake_function *fake = add_fake(2, 0, 1, 0);
    struct pci_bar bars[PCI_MAX_BARS];

    set_bar(fake, 4, 0x2000000000ull, 0x200000000ull, 0x4); /* 8 GiB, non-prefetchable */
    cr_assert_eq(pci_read_bars(fake->address, bars), 1);
    cr_expect_eq(bars[0].index, 4);
    cr_expect_eq(bars[0].base, 0x2000000000ull);
    cr_expect_eq(bars[0].size, 0x200000000ull);
    cr_expect_eq(fake->regs[8], 0x4);
    cr_expect_eq(fake->regs[9], 0x20);
}

Test(pci, bridges_have_two_bars_others_none)
{
    struct fake_function *bridge = add_fake(0, 1, 0, 1);
    struct fake_function *cardbus = add_fake(0, 4, 0, 2);
    struct pci_bar bars[PCI_MAX_BARS];

    set_bar(bridge, 0, 0xfd000000, 0x100000, 0);
    set_bar(bridge, 1, 0xfc000000, 0x100000, 0);
    bridge->regs[6] = 0x00020100; /* bus numbers, where a device's BAR 2 would be */
    cr_expect_eq(pci_read_bars(bridge->address, bars), 2);
    cr_expect_eq(bridge->regs[6], 0x00020100);
    cr_expect_eq(pci_read_bars(cardbus->address, bars), 0);
}

Test(pci, no_bars_at_all)
{
    struct fake_function *fake = add_fake(0, 5, 0, 0);
    struct pci_bar bars[PCI_MAX_BARS];

    cr_expect_eq(pci_read_bars(fake->address, bars), 0);
    cr_expect(interrupts_on);
}

Test(pci, enabling_for_the_owner_writes_status_as_zeros)
{
    struct fake_function *fake = add_fake(0, 6, 0, 0);

    fake->regs[1] = 0x02800000; /* status bits set, nothing enabled */
    pci_enable_for_owner(fake->address, false);
    cr_expect_eq(fake->regs[1], 0x3, "only I/O and memory decoding on, status written as zeros");
    fake->regs[1] = 0x02800000;
    pci_enable_for_owner(fake->address, true);
    cr_expect_eq(fake->regs[1], 0x3, "bus mastering is the owner's to turn on");
}

/* What the owner's write of the command register reaches the function as. */
static void owner_writes_command(struct fake_function *fake, unsigned size, uint32_t value,
                                 bool may_master)
{
    cr_assert(pci_owner_write_filter(0x04, size, &value, may_master));
    pci_config_write(fake->address, 0x04, size, value);
}

/* A function the firmware left mastering the bus (command 0x7) is handed
 * over with its DMA off, and the owner cannot turn it back on. */
Test(pci, bus_mastering_off_for_the_owner)
{
    struct fake_function *fake = add_fake(0, 6, 0, 0);

    pci_enable_for_owner(fake->address, false);
    cr_expect_eq(fake->regs[1], 0x3, "bus mastering still on after the hand-over");
    owner_writes_command(fake, 2, 0x7, false);
    cr_expect_eq(fake->regs[1] & 0xffff, 0x3, "the owner turned bus mastering on");
    owner_writes_command(fake, 1, 0x7, false);
    cr_expect_eq(fake->regs[1] & 0xffff, 0x3, "the owner turned bus mastering on, byte write");
    owner_writes_command(fake, 4, 0x7, false);
    cr_expect_eq(fake->regs[1], 0x3, "the owner turned bus mastering on, dword write");
}

/* `dma`: the hand-over leaves the bit as it was, and the owner sets and
 * clears it. */
Test(pci, bus_mastering_for_an_owner_trusted_with_dma)
{
    struct fake_function *fake = add_fake(0, 6, 0, 0);

    pci_enable_for_owner(fake->address, true);
    cr_expect_eq(fake->regs[1], 0x7);
    owner_writes_command(fake, 2, 0x3, true);
    cr_expect_eq(fake->regs[1] & 0xffff, 0x3);
    owner_writes_command(fake, 2, 0x7, true);
    cr_expect_eq(fake->regs[1] & 0xffff, 0x7, "the owner could not turn bus mastering on");
    owner_writes_command(fake, 4, 0x00000006, true);
    cr_expect_eq(fake->regs[1], 0x6, "a dword write");
}

Test(pci, sized_accesses)
{
    struct fake_function *fake = add_fake(0, 7, 0, 0);

    cr_expect_eq(pci_config_read(fake->address, 0x02, 2), 0x1111);
    cr_expect_eq(pci_config_read(fake->address, 0x01, 1), 0x12);
    cr_expect_eq(pci_config_read(fake->address, 0x00, 4), 0x11111234);
    pci_config_write(fake->address, 0x3d, 1, 0xab);
    pci_config_write(fake->address, 0x3e, 2, 0xcdef);
    cr_expect_eq(fake->regs[0x3c / 4], 0xcdefab00);
    pci_config_write(fake->address, 0x40, 4, 0x12345678);
    cr_expect_eq(fake->regs[0x40 / 4], 0x12345678);
}

Test(pci, address_decoding)
{
    struct pci_function f;
    uint8_t offset;

    cr_assert(pci_decode_address(0x8012ff13, &f, &offset));
    cr_expect_eq(f.bus, 0x12);
    cr_expect_eq(f.slot, 0x1f);
    cr_expect_eq(f.function, 7);
    cr_expect_eq(offset, 0x10);
    cr_expect_not(pci_decode_address(0x0012ff10, &f, &offset));
}

Test(pci, owner_writes)
{
    uint32_t value = 0xffffffff;

    cr_expect_not(pci_owner_write_filter(0x10, 4, &value, false), "BAR0");
    cr_expect_not(pci_owner_write_filter(0x24, 4, &value, false), "BAR5");
    cr_expect_not(pci_owner_write_filter(0x30, 4, &value, false), "expansion ROM");
    cr_expect_not(pci_owner_write_filter(0x38, 4, &value, false), "a bridge's ROM");
    cr_expect(pci_owner_write_filter(0x0f, 1, &value, false), "BIST, just below BAR0");
    cr_expect_not(pci_owner_write_filter(0x10, 1, &value, false), "a byte of BAR0");
    cr_expect_not(pci_owner_write_filter(0x0e, 4 - 2, &value, false) &&
                      pci_owner_write_filter(0x3b, 1, &value, false),
                  "the last byte before 0x3c");
    value = 0x0107;
    cr_expect(pci_owner_write_filter(0x04, 2, &value, false));
    cr_expect_eq(value, 0x0103, "bus mastering stays off");
    value = 0x00000700;
    cr_expect(pci_owner_write_filter(0x02, 4 - 2, &value, false));
    cr_expect_eq(value, 0x0700, "the device ID half is left as written");
    value = 0x07;
    cr_expect(pci_owner_write_filter(0x04, 1, &value, false));
    cr_expect_eq(value, 0x03);
    value = 0xff;
    cr_expect(pci_owner_write_filter(0x05, 1, &value, false));
    cr_expect_eq(value, 0xff, "the command register's high byte holds no bus-master bit");
    value = 0x0107;
    cr_expect(pci_owner_write_filter(0x04, 2, &value, true));
    cr_expect_eq(value, 0x0107, "bus mastering allowed");
    value = 0x02800007;
    cr_expect(pci_owner_write_filter(0x04, 4, &value, false));
    cr_expect_eq(value, 0x02800003, "the command and status dword");
    value = 0x0b;
    cr_expect(pci_owner_write_filter(0x3c, 1, &value, false), "interrupt line");
    cr_expect(pci_owner_write_filter(0x40, 4, &value, false), "device-specific registers");
}
