#include "drivers/pci.h"

#include "arch/x86_64/cpu.h"

#define CONFIG_ENABLE       (1u << 31)
#define OFFSET_VENDOR       0x00
#define OFFSET_COMMAND      0x04 /* the low 16 bits; the status register above */
#define OFFSET_HEADER_TYPE  0x0c /* bits 23:16 of this dword */
#define OFFSET_BAR0         0x10
#define COMMAND_DECODE      0x3u /* I/O space and memory space enable */
#define COMMAND_BUS_MASTER  0x4u
#define OFFSET_FIXED_FIRST  0x10 /* BARs, bridge windows, expansion ROM ... */
#define OFFSET_FIXED_END    0x3c /* ... up to the interrupt line register */
#define VENDOR_NONE         0xffffu
#define HEADER_TYPE_MASK    0x7fu
#define HEADER_TYPE_DEVICE  0
#define HEADER_TYPE_BRIDGE  1
#define BRIDGE_BARS         2
#define BAR_IO              0x1u
#define BAR_IO_MASK         0xfffffffcu
#define BAR_MEMORY_MASK     0xfffffff0u
#define BAR_TYPE_64BIT      0x4u /* bits 2:1 = 2 */
#define BAR_TYPE_MASK       0x6u
#define BAR_PREFETCHABLE    0x8u
#define IO_SPACE_PORTS_MASK 0xffffu /* x86 decodes 16 bits of port address */

static uint32_t config_address(struct pci_function f, uint8_t offset)
{
    return CONFIG_ENABLE | (uint32_t)f.bus << 16 | (uint32_t)(f.slot & 0x1f) << 11 |
           (uint32_t)(f.function & 0x7) << 8 | (offset & 0xfcu);
}

uint32_t pci_config_read32(struct pci_function f, uint8_t offset)
{
    cpu_outl(PCI_CONFIG_ADDRESS_PORT, config_address(f, offset));
    return cpu_inl(PCI_CONFIG_DATA_PORT);
}

void pci_config_write32(struct pci_function f, uint8_t offset, uint32_t value)
{
    cpu_outl(PCI_CONFIG_ADDRESS_PORT, config_address(f, offset));
    cpu_outl(PCI_CONFIG_DATA_PORT, value);
}

uint32_t pci_config_read(struct pci_function f, uint8_t offset, unsigned size)
{
    uint32_t dword = pci_config_read32(f, offset);
    unsigned shift = (offset & 3u) * 8;

    return size == 4 ? dword : (dword >> shift) & ((1u << (size * 8)) - 1);
}

/* A narrow write goes out narrow: a read-modify-write of the dword could
 * clear status bits that are cleared by writing ones. */
void pci_config_write(struct pci_function f, uint8_t offset, unsigned size, uint32_t value)
{
    uint16_t data_port = (uint16_t)(PCI_CONFIG_DATA_PORT + (offset & 3u));

    cpu_outl(PCI_CONFIG_ADDRESS_PORT, config_address(f, offset));
    if (size == 1)
        cpu_outb(data_port, (uint8_t)value);
    else if (size == 2)
        cpu_outw(data_port, (uint16_t)value);
    else
        cpu_outl(PCI_CONFIG_DATA_PORT, value);
}

bool pci_decode_address(uint32_t address, struct pci_function *f, uint8_t *offset)
{
    if (!(address & CONFIG_ENABLE))
        return false;
    *f = (struct pci_function){(uint8_t)(address >> 16), (address >> 11) & 0x1f,
                               (address >> 8) & 0x7};
    *offset = (uint8_t)(address & 0xfc);
    return true;
}

bool pci_owner_write_filter(uint8_t offset, unsigned size, uint32_t *value, bool may_master)
{
    unsigned end = (unsigned)offset + size;

    if (offset < OFFSET_FIXED_END && end > OFFSET_FIXED_FIRST)
        return false;
    /* The command register's low byte holds the bus-master bit. */
    if (!may_master && offset <= OFFSET_COMMAND && end > OFFSET_COMMAND)
        *value &= ~(COMMAND_BUS_MASTER << ((OFFSET_COMMAND - offset) * 8));
    return true;
}

bool pci_function_present(struct pci_function f)
{
    return (pci_config_read32(f, OFFSET_VENDOR) & 0xffff) != VENDOR_NONE;
}

static unsigned bar_count(struct pci_function f)
{
    switch ((pci_config_read32(f, OFFSET_HEADER_TYPE) >> 16) & HEADER_TYPE_MASK) {
    case HEADER_TYPE_DEVICE:
        return PCI_MAX_BARS;
    case HEADER_TYPE_BRIDGE:
        return BRIDGE_BARS;
    default:
        return 0;
    }
}

/* What a BAR register reads after all ones were written to it; the
 * original value goes back at once. */
static uint32_t size_probe(struct pci_function f, uint8_t offset, uint32_t original)
{
    pci_config_write32(f, offset, 0xffffffffu);
    uint32_t probed = pci_config_read32(f, offset);
    pci_config_write32(f, offset, original);
    return probed;
}

static void read_io_bar(struct pci_function f, uint8_t offset, uint32_t original,
                        struct pci_bar *bar)
{
    uint32_t mask = size_probe(f, offset, original) & BAR_IO_MASK & IO_SPACE_PORTS_MASK;

    bar->kind = mask ? PCI_BAR_IO : PCI_BAR_UNUSED;
    bar->base = original & BAR_IO_MASK & IO_SPACE_PORTS_MASK;
    bar->size = mask ? ((~mask) & IO_SPACE_PORTS_MASK) + 1 : 0;
}

/* A 64-bit BAR takes this register and the next one; both are sized
 * together. Returns how many registers it took. */
static unsigned read_memory_bar(struct pci_function f, uint8_t offset, uint32_t original,
                                unsigned registers_left, struct pci_bar *bar)
{
    bool is_64bit = (original & BAR_TYPE_MASK) == BAR_TYPE_64BIT && registers_left > 1;
    uint64_t high = is_64bit ? pci_config_read32(f, (uint8_t)(offset + 4)) : 0;
    uint64_t mask = size_probe(f, offset, original) & BAR_MEMORY_MASK;

    if (is_64bit)
        mask |= (uint64_t)size_probe(f, (uint8_t)(offset + 4), (uint32_t)high) << 32;
    else
        mask |= 0xffffffff00000000ull; /* a 32-bit BAR decodes below 4 GiB */
    /* An unimplemented BAR keeps no address bit at all. */
    bool used = is_64bit ? mask != 0 : (mask & BAR_MEMORY_MASK) != 0;
    bar->kind = used ? PCI_BAR_MEMORY : PCI_BAR_UNUSED;
    bar->base = high << 32 | (original & BAR_MEMORY_MASK);
    bar->size = bar->kind == PCI_BAR_MEMORY ? ~mask + 1 : 0;
    bar->is_64bit = is_64bit;
    bar->prefetchable = original & BAR_PREFETCHABLE;
    return is_64bit ? 2 : 1;
}

static unsigned read_bars_decoding_off(struct pci_function f, unsigned count, struct pci_bar *bars)
{
    unsigned filled = 0;

    for (unsigned index = 0; index < count;) {
        uint8_t offset = (uint8_t)(OFFSET_BAR0 + 4 * index);
        uint32_t original = pci_config_read32(f, offset);
        struct pci_bar bar = {.index = index};

        if (original & BAR_IO) {
            read_io_bar(f, offset, original, &bar);
            index++;
        } else {
            index += read_memory_bar(f, offset, original, count - index, &bar);
        }
        if (bar.kind != PCI_BAR_UNUSED)
            bars[filled++] = bar;
    }
    return filled;
}

void pci_enable_for_owner(struct pci_function f, bool may_master)
{
    uint32_t command = pci_config_read32(f, OFFSET_COMMAND) & 0xffffu;

    if (!may_master)
        command &= ~COMMAND_BUS_MASTER;
    pci_config_write32(f, OFFSET_COMMAND, command | COMMAND_DECODE);
}

unsigned pci_read_bars(struct pci_function f, struct pci_bar *bars)
{
    unsigned count = bar_count(f);

    if (count == 0)
        return 0;
    /* While a BAR holds all ones the device would decode there: nothing may
     * run meanwhile that could touch that range, and decoding stays off. */
    uint64_t flags = cpu_interrupts_save_disable();
    /* The status register shares the dword; its bits are cleared by writing
     * ones, so only zeros go there (here and in pci_enable_for_owner). */
    uint32_t command = pci_config_read32(f, OFFSET_COMMAND) & 0xffffu;
    pci_config_write32(f, OFFSET_COMMAND, command & ~COMMAND_DECODE);
    unsigned filled = read_bars_decoding_off(f, count, bars);
    pci_config_write32(f, OFFSET_COMMAND, command);
    cpu_interrupts_restore(flags);
    return filled;
}
