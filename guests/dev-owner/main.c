/*
 * A privileged partition that owns devices (the config's `devices` key),
 * for the device-ownership scenario. It finds them in its boot-info page
 * and proves it reaches each one directly:
 *   - its 16550: a scratch-register round trip and a line written out of
 *     the UART, with no I/O exit (its exit counters, read through
 *     HC_PARTITION_LIST, do not move; a port it does not own moves them);
 *     then its interrupts, bound to a vector of its own (irq.c);
 *   - a PCI function's memory BAR, mapped at its host-physical address: a
 *     register written and read back (for an 82540EM network card, the
 *     receive-descriptor base), and a read through the function's I/O
 *     BAR, whose ports are open too: it takes no exit and gets the card's
 *     answer, not the all-ones the hypervisor gives for a port nobody owns
 *     (Bochs's card answers 0 to every read of its I/O BAR);
 *   - PCI configuration space through ports 0xcf8/0xcfc: its own function
 *     answers, another one reads as absent, a write to its BAR is dropped,
 *     bus mastering is off when it starts and cannot be turned on (unless
 *     its script line says dma: the config trusts it with the card's DMA);
 *   - the card's level-triggered INTx on the IRQ its interrupt line
 *     register names (pci_irq.c).
 */
#include "drivers/pci.h"
#include "drivers/uart16550.h"
#include "guests/dev-owner/irq.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

#define UNOWNED_PORT 0x3ef /* COM3's scratch register: nobody owns it */

#define E1000_STATUS   0x0008 /* device status: read-only, never zero (link, speed) */
#define NOBODYS_ANSWER 0xffffffffu
#define E1000_RDBAL    0x2800      /* receive descriptor base, low: plain read/write */
#define TEST_PATTERN   0x5a5a1230u /* RDBAL keeps bits 31:4 */
#define MAX_PARTITION  8

#define PCI_ADDRESS_PORT   0xcf8
#define PCI_DATA_PORT      0xcfc
#define PCI_ENABLE         0x80000000u
#define PCI_COMMAND        0x04
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_BAR0           0x10
#define COMMAND_MEMORY     0x2u
#define COMMAND_BUS_MASTER 0x4u
#define INTEL_VENDOR_ID    0x8086
#define HOST_BRIDGE        0 /* 00:00.0, present on every PC, not owned */

static const struct bulkhead_boot_info *boot;

static uint64_t io_exits(void)
{
    struct hc_partition_entry entries[MAX_PARTITION];
    int64_t count = hc_partition_list(entries, MAX_PARTITION);

    for (int64_t i = 0; i < count; i++) {
        if (entries[i].id == boot->partition_id)
            return entries[i].exits[HC_EXITS_IO];
    }
    return UINT64_MAX;
}

static const char *kind_name(uint32_t kind)
{
    switch (kind) {
    case GUEST_DEVICE_SERIAL:
        return "serial";
    case GUEST_DEVICE_FRAMEBUFFER:
        return "framebuffer";
    case GUEST_DEVICE_PCI:
        return "pci";
    default:
        return "unknown";
    }
}

static void list_devices(void)
{
    for (uint32_t i = 0; i < boot->device_count && i < GUEST_MAX_DEVICES; i++)
        printf("dev-owner: device %u: %s 0x%x\n", i, kind_name(boot->devices[i].kind),
               boot->devices[i].id);
    for (uint32_t i = 0; i < boot->range_count && i < GUEST_MAX_DEVICE_RANGES; i++) {
        const struct guest_device_range *r = &boot->ranges[i];
        printf("dev-owner: range %u: device %u BAR%u %s 0x%llx, size 0x%llx\n", i, r->device,
               r->bar, r->kind == GUEST_RANGE_PORTS ? "ports" : "memory",
               (unsigned long long)r->base, (unsigned long long)r->size);
    }
}

/* The first range of the first device of this kind, or NULL. */
static const struct guest_device_range *find_range(uint32_t device_kind, uint32_t range_kind)
{
    for (uint32_t i = 0; i < boot->range_count && i < GUEST_MAX_DEVICE_RANGES; i++) {
        const struct guest_device_range *r = &boot->ranges[i];
        if (r->device < boot->device_count && boot->devices[r->device].kind == device_kind &&
            r->kind == range_kind)
            return r;
    }
    return 0;
}

static void uart_write_line(uint16_t port, const char *text)
{
    uart16550_init(port);
    uart16550_write(port, text, (unsigned)strlen(text));
    uart16550_write(port, "\n", 1);
}

/* No printing between the two counter reads: the console port exits. */
static void check_uart(uint16_t port)
{
    uint64_t before = io_exits();
    cpu_outb(port + UART_SCRATCH, 0x5a);
    uint8_t first = cpu_inb(port + UART_SCRATCH);
    cpu_outb(port + UART_SCRATCH, 0xa5);
    uint8_t second = cpu_inb(port + UART_SCRATCH);
    uart_write_line(port, "dev-owner: written straight to its own 16550");
    uint64_t owned_exits = io_exits() - before;

    before = io_exits();
    uint8_t unowned = cpu_inb(UNOWNED_PORT);
    uint64_t unowned_exits = io_exits() - before;

    EXPECT_EQ(first, 0x5a);
    EXPECT_EQ(second, 0xa5);
    EXPECT_EQ(owned_exits, 0);
    EXPECT_EQ(unowned, 0xff);
    EXPECT_EQ(unowned_exits, 1);
    printf("dev-owner: serial 0x%x: scratch register round trip, %llu I/O exits\n", port,
           (unsigned long long)owned_exits);
}

static void check_pci(const struct guest_device_range *memory, const struct guest_device_range *io)
{
    volatile uint32_t *registers = (volatile uint32_t *)(uintptr_t)memory->base;
    volatile uint32_t *rdbal = &registers[E1000_RDBAL / 4];
    uint16_t io_base = (uint16_t)io->base;

    EXPECT_TRUE(map_identity_2m(memory->base));
    uint32_t saved = *rdbal;
    *rdbal = TEST_PATTERN;
    uint32_t written = *rdbal;
    *rdbal = saved;
    uint32_t status_in_memory = registers[E1000_STATUS / 4];
    uint64_t before = io_exits();
    uint32_t status_in_ports = cpu_inl(io_base + E1000_STATUS);
    uint64_t port_exits = io_exits() - before;

    EXPECT_EQ(written, TEST_PATTERN);
    EXPECT_TRUE(status_in_memory != 0 && status_in_memory != NOBODYS_ANSWER);
    EXPECT_TRUE(status_in_ports != NOBODYS_ANSWER);
    EXPECT_EQ(port_exits, 0);
    printf("dev-owner: pci BAR%u memory at 0x%llx: a register written and read back, status "
           "0x%x\n",
           memory->bar, (unsigned long long)memory->base, status_in_memory);
    printf("dev-owner: pci BAR%u ports at 0x%x: the card answered 0x%x, %llu I/O exits\n", io->bar,
           io_base, status_in_ports, (unsigned long long)port_exits);
}

/* An owned function as the boot-info page names it: bus << 8 | device << 3
 * | function; read and written with the hypervisor's own PCI driver. */
static struct pci_function pci_function_of(uint32_t bdf)
{
    return (struct pci_function){(uint8_t)(bdf >> 8), (uint8_t)(bdf >> 3 & 0x1f),
                                 (uint8_t)(bdf & 7)};
}

static uint32_t pci_read(uint32_t bdf, uint8_t offset)
{
    return pci_config_read32(pci_function_of(bdf), offset);
}

static void pci_write(uint32_t bdf, uint8_t offset, uint32_t value)
{
    pci_config_write32(pci_function_of(bdf), offset, value);
}

/* The config's script line is "dma" when the function was named with dma:
 * turning on its bus mastering is then the partition's to do. */
static bool trusted_with_dma(void)
{
    const char *s = boot->script;

    return s[0] == 'd' && s[1] == 'm' && s[2] == 'a' && s[3] == '\0';
}

static void check_pci_config(uint32_t bdf, uint64_t bar0)
{
    uint32_t master_expected = trusted_with_dma() ? COMMAND_BUS_MASTER : 0;
    uint32_t id = pci_read(bdf, 0);
    uint32_t other = pci_read(HOST_BRIDGE, 0);
    cpu_outl(PCI_ADDRESS_PORT, PCI_ENABLE | bdf << 8);
    uint8_t device_low = cpu_inb(PCI_DATA_PORT + 2);
    uint32_t bar = pci_read(bdf, PCI_BAR0);
    pci_write(bdf, PCI_BAR0, 0xffffffffu);
    uint32_t bar_after = pci_read(bdf, PCI_BAR0);
    uint32_t command = pci_read(bdf, PCI_COMMAND) & 0xffff;
    pci_write(bdf, PCI_COMMAND, command | COMMAND_BUS_MASTER);
    uint32_t command_after = pci_read(bdf, PCI_COMMAND) & 0xffff;
    pci_write(bdf, PCI_COMMAND, command); /* nothing here needs the card's DMA */

    EXPECT_EQ(id & 0xffff, INTEL_VENDOR_ID);
    EXPECT_EQ(device_low, (id >> 16) & 0xff);
    EXPECT_EQ(other, 0xffffffffu);
    EXPECT_EQ(bar & ~0xfu, bar0);
    EXPECT_EQ(bar_after, bar);
    EXPECT_TRUE(command_after & COMMAND_MEMORY);
    EXPECT_EQ(command & COMMAND_BUS_MASTER, 0);
    EXPECT_EQ(command_after & COMMAND_BUS_MASTER, master_expected);
    printf("dev-owner: pci config: own function id 0x%x, 00:00.0 reads 0x%x, BAR0 stays 0x%x, "
           "command 0x%x\n",
           id, other, bar_after, command_after);
}

/* Where the hypervisor left the function's IRQ, as PC firmware does. */
static unsigned owned_pci_irq(uint32_t bdf)
{
    unsigned irq = pci_read(bdf, PCI_INTERRUPT_LINE) & 0xff;

    printf("dev-owner: pci interrupt line register: IRQ %u\n", irq);
    return irq;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    const struct guest_device_range *serial, *bar_memory, *bar_ports;

    boot = info;
    list_devices();
    serial = find_range(GUEST_DEVICE_SERIAL, GUEST_RANGE_PORTS);
    bar_memory = find_range(GUEST_DEVICE_PCI, GUEST_RANGE_MEMORY);
    bar_ports = find_range(GUEST_DEVICE_PCI, GUEST_RANGE_PORTS);
    EXPECT_TRUE(serial != 0);
    EXPECT_TRUE(bar_memory != 0 && bar_ports != 0);
    if (serial) {
        check_uart((uint16_t)serial->base);
        check_uart_interrupts((uint16_t)serial->base);
    }
    if (bar_memory && bar_ports) {
        uint32_t bdf = boot->devices[bar_memory->device].id;
        check_pci(bar_memory, bar_ports);
        check_pci_config(bdf, bar_memory->base);
        check_pci_interrupts(owned_pci_irq(bdf), bar_memory->base);
    }
    return guest_exit_status();
}
