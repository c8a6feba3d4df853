/*
 * The `devices` key of a partition section: what the privileged partition
 * owns. The value is a comma-separated list of
 *
 *   serial PORT      a 16550 UART whose 8 ports start at PORT (hex or decimal)
 *   serial PORT irq N   the same with its ISA IRQ (1-23, not 2); COM1 (0x3f8)
 *                    and COM2 (0x2f8) have 4 and 3 without it, others none
 *   framebuffer      the firmware's (GOP) framebuffer
 *   keyboard         the PS/2 controller (i8042, ports 0x60 and 0x64, IRQ 1),
 *                    which firmware also emulates for USB keyboards; its
 *                    commands that reset the machine or move A20 stay the
 *                    hypervisor's (hv/partition_keyboard.c)
 *   pci BB:DD.F      a PCI function: bus, device and function in hex; its
 *                    INTx IRQ is what the firmware wrote into its interrupt
 *                    line register (checked once the core can read it), and
 *                    it may not be a bridge (class 0x06, checked then too)
 *   pci BB:DD.F irq N   the same on IRQ N (1-23, not 2) whatever that says
 *   pci BB:DD.F [irq N] dma   the same, and its owner may turn on its bus
 *                    mastering: with no IOMMU its DMA reaches all memory
 *   ata PORT         an ATA channel, its command block's 8 ports from PORT and
 *                    its control block at PORT + 0x206 (0x1f0 and 0x3f6 on a
 *                    PC's primary channel); its owner drives the master disk by
 *                    polled PIO, and may serve other partitions' disks from it
 *
 * Like the rest of the reader (config.c) this file calls no library
 * function: it is compiled into the core, the UEFI stub and host tools.
 */
#include "lib/config.h"
#include "lib/config_text.h"

#define PORT_LAST        0xffffu
#define PCI_MAX_BUS      0xffu
#define PCI_MAX_SLOT     0x1fu
#define PCI_MAX_FUNCTION 7u
#define DEVICE_KINDS_TEXT                                                                          \
    "serial PORT [irq N], framebuffer, keyboard, pci BB:DD.F [irq N] [dma], ata PORT"
#define COM1_PORT    0x3f8
#define COM1_IRQ     4
#define COM2_PORT    0x2f8
#define COM2_IRQ     3
#define KEYBOARD_IRQ 1 /* the PC's: the i8042's keyboard output */

/* PCI class codes (configuration offset 0x08, bits 31:8) of bridges. */
#define PCI_CLASS_BRIDGE                         0x06
#define PCI_SUBCLASS_HOST_BRIDGE                 0x00
#define PCI_SUBCLASS_ISA_BRIDGE                  0x01
#define PCI_SUBCLASS_PCI_BRIDGE                  0x04
#define PCI_SUBCLASS_SEMI_TRANSPARENT_PCI_BRIDGE 0x09

void config_device_name(const struct config_device *device, char *buf, size_t size)
{
    switch (device->kind) {
    case CONFIG_DEVICE_SERIAL:
        config_text_format(buf, size, "serial 0x%x", (unsigned)device->port);
        break;
    case CONFIG_DEVICE_FRAMEBUFFER:
        config_text_format(buf, size, "framebuffer");
        break;
    case CONFIG_DEVICE_KEYBOARD:
        config_text_format(buf, size, "keyboard");
        break;
    case CONFIG_DEVICE_PCI:
        config_text_format(buf, size, "pci %x:%x.%u%s", (unsigned)device->bus,
                           (unsigned)device->slot, (unsigned)device->function,
                           device->dma ? " dma" : "");
        break;
    case CONFIG_DEVICE_ATA:
        config_text_format(buf, size, "ata 0x%x", (unsigned)device->port);
        break;
    }
}

static bool ranges_overlap(unsigned first_a, unsigned last_a, unsigned first_b, unsigned last_b)
{
    return first_a <= last_b && first_b <= last_a;
}

struct port_range {
    unsigned first, last;
};

/* The ports a serial or ATA device decodes; how many ranges (0 for the
 * other kinds). */
static unsigned device_port_ranges(const struct config_device *device, struct port_range out[2])
{
    switch (device->kind) {
    case CONFIG_DEVICE_SERIAL:
        out[0] = (struct port_range){device->port, device->port + CONFIG_SERIAL_PORT_COUNT - 1u};
        return 1;
    case CONFIG_DEVICE_ATA:
        out[0] = (struct port_range){device->port, device->port + CONFIG_ATA_COMMAND_PORTS - 1u};
        out[1] = (struct port_range){device->port + CONFIG_ATA_CONTROL_OFFSET,
                                     device->port + CONFIG_ATA_CONTROL_OFFSET};
        return 2;
    default:
        return 0;
    }
}

static bool ports_shared(const struct config_device *a, const struct config_device *b)
{
    struct port_range ra[2], rb[2];
    unsigned count_a = device_port_ranges(a, ra), count_b = device_port_ranges(b, rb);

    for (unsigned i = 0; i < count_a; i++) {
        for (unsigned j = 0; j < count_b; j++) {
            if (ranges_overlap(ra[i].first, ra[i].last, rb[j].first, rb[j].last))
                return true;
        }
    }
    return false;
}

/* Two entries that name the same device, or devices that share a port. */
static bool devices_clash(const struct config_device *a, const struct config_device *b)
{
    struct port_range unused[2];

    if (device_port_ranges(a, unused) && device_port_ranges(b, unused))
        return ports_shared(a, b);
    if (a->kind != b->kind)
        return false;
    if (a->kind == CONFIG_DEVICE_PCI)
        return a->bus == b->bus && a->slot == b->slot && a->function == b->function;
    return true;
}

/* A hex number of one or two digits, at most max. */
static bool parse_hex_field(struct span s, unsigned max, uint8_t *out)
{
    unsigned value = 0;

    if (s.len == 0 || s.len > 2)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        unsigned digit;

        if (c >= '0' && c <= '9')
            digit = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = (unsigned)(c - 'A' + 10);
        else
            return false;
        value = value * 16 + digit;
    }
    if (value > max)
        return false;
    *out = (uint8_t)value;
    return true;
}

bool config_parse_pci_address(struct span s, struct config_device *device)
{
    size_t colon = span_find(s, ':');
    struct span rest;
    size_t dot;

    if (colon == s.len || !parse_hex_field(span_head(s, colon), PCI_MAX_BUS, &device->bus))
        return false;
    rest = span_tail(s, colon + 1);
    dot = span_find(rest, '.');
    if (dot == rest.len || !parse_hex_field(span_head(rest, dot), PCI_MAX_SLOT, &device->slot))
        return false;
    rest = span_tail(rest, dot + 1);
    return rest.len == 1 && parse_hex_field(rest, PCI_MAX_FUNCTION, &device->function);
}

static bool parse_serial_port(struct span s, struct config_device *device)
{
    uint64_t port;

    if (!span_to_u64(s, &port) || port == 0 || port + CONFIG_SERIAL_PORT_COUNT - 1 > PORT_LAST)
        return false;
    device->port = (uint16_t)port;
    return true;
}

/* The IRQ the PC standard gives the first two UARTs; others have none
 * unless the config names one. */
static uint8_t default_serial_irq(uint16_t port)
{
    return port == COM1_PORT ? COM1_IRQ : port == COM2_PORT ? COM2_IRQ : 0;
}

/* An IOAPIC pin of the first IOAPIC that a device may have: not 0 (the
 * timer) and not the legacy PICs' cascade. */
static bool irq_usable(uint64_t irq)
{
    return irq != 0 && irq != CONFIG_IRQ_CASCADE && irq <= CONFIG_IRQ_MAX;
}

static bool parse_irq(struct span s, uint8_t *irq)
{
    uint64_t value;

    if (!span_to_u64(s, &value) || !irq_usable(value))
        return false;
    *irq = (uint8_t)value;
    return true;
}

/* "irq N" after a device's address (rest, maybe empty); false when
 * something else follows it. */
static bool split_irq_clause(struct span rest, struct span *irq_value)
{
    struct span irq_word = span_split_word(rest, irq_value);

    return rest.len == 0 || span_equals(irq_word, "irq");
}

static bool fail_bad_irq(struct config_error *error, unsigned line, struct span irq_value,
                         const struct config_device *device, const char *example)
{
    char name[CONFIG_DEVICE_NAME_LEN];

    config_device_name(device, name, sizeof(name));
    return config_fail_at(error, line,
                          "bad IRQ %q for %s; expected a number from 1 to %u other than %u, as "
                          "in %s",
                          irq_value, name, CONFIG_IRQ_MAX, CONFIG_IRQ_CASCADE, example);
}

/* "PORT" or "PORT irq N". */
static bool parse_serial(struct span argument, unsigned line, struct config_device *device,
                         struct config_error *error)
{
    struct span rest, irq_value;
    struct span port = span_split_word(argument, &rest);

    if (!parse_serial_port(port, device) || !split_irq_clause(rest, &irq_value))
        return config_fail_at(error, line,
                              "bad serial port %q; expected the first of its 8 I/O ports, from "
                              "0x1 to 0xfff8, as in serial 0x2f8 (or serial 0x2f8 irq 3)",
                              argument);
    device->irq = default_serial_irq(device->port);
    if (rest.len == 0 || parse_irq(irq_value, &device->irq))
        return true;
    return fail_bad_irq(error, line, irq_value, device, "serial 0x2f8 irq 3");
}

/* Whether s ends in the word "dma"; s loses it then. */
static bool split_dma_clause(struct span *s)
{
    static const char word[] = "dma";
    size_t word_len = sizeof(word) - 1;
    struct span text = span_trim(*s);

    if (text.len <= word_len || !config_is_blank(text.ptr[text.len - word_len - 1]) ||
        !span_equals(span_tail(text, text.len - word_len), word))
        return false;
    *s = span_trim(span_head(text, text.len - word_len));
    return true;
}

/* "BB:DD.F", then "irq N" and "dma" if wanted; without the irq clause the
 * IRQ stays 0 and the function's interrupt line register decides later. */
static bool parse_pci(struct span argument, unsigned line, struct config_device *device,
                      struct config_error *error)
{
    struct span rest, irq_value, clauses = argument;
    struct span address;

    device->dma = split_dma_clause(&clauses);
    address = span_split_word(clauses, &rest);
    if (!config_parse_pci_address(address, device) || !split_irq_clause(rest, &irq_value))
        return config_fail_at(error, line,
                              "bad PCI address %q; expected BUS:DEVICE.FUNCTION in hex (device up "
                              "to 1f, function up to 7), as in pci 00:02.0 or pci 00:02.0 irq 11 "
                              "dma",
                              argument);
    if (rest.len == 0 || parse_irq(irq_value, &device->irq))
        return true;
    return fail_bad_irq(error, line, irq_value, device, "pci 00:02.0 irq 11");
}

/* "PORT": the command block's first port; the control block follows
 * 0x206 above it, as on the PC's two legacy channels. */
static bool parse_ata(struct span argument, unsigned line, struct config_device *device,
                      struct config_error *error)
{
    uint64_t port;

    if (span_to_u64(argument, &port) && port != 0 &&
        port + CONFIG_ATA_CONTROL_OFFSET <= PORT_LAST) {
        device->port = (uint16_t)port;
        return true;
    }
    return config_fail_at(error, line,
                          "bad ATA port %q; expected the first port of a channel's command "
                          "block (its control block lies 0x206 above), as in ata 0x170",
                          argument);
}

/* The kind word and its argument; false (reported) when they do not fit. */
static bool parse_item(struct span item, unsigned line, struct config_device *device,
                       struct config_error *error)
{
    struct span argument;
    struct span kind = span_split_word(item, &argument);

    if (span_equals(kind, "framebuffer") || span_equals(kind, "keyboard")) {
        bool keyboard = span_equals(kind, "keyboard");
        device->kind = keyboard ? CONFIG_DEVICE_KEYBOARD : CONFIG_DEVICE_FRAMEBUFFER;
        device->irq = keyboard ? KEYBOARD_IRQ : 0;
        if (argument.len == 0)
            return true;
        return config_fail_at(error, line, "device '%s' takes no argument, but %q follows it",
                              keyboard ? "keyboard" : "framebuffer", argument);
    }
    if (span_equals(kind, "serial")) {
        device->kind = CONFIG_DEVICE_SERIAL;
        return parse_serial(argument, line, device, error);
    }
    if (span_equals(kind, "pci")) {
        device->kind = CONFIG_DEVICE_PCI;
        return parse_pci(argument, line, device, error);
    }
    if (span_equals(kind, "ata")) {
        device->kind = CONFIG_DEVICE_ATA;
        return parse_ata(argument, line, device, error);
    }
    return config_fail_at(error, line, "unknown device kind %q; known kinds are %s", kind,
                          DEVICE_KINDS_TEXT);
}

/* A UART's or an ATA channel's ports may be neither ones the hypervisor
 * keeps nor a chipset register (config_ports.c). */
static bool check_kept_ports(const struct config_device *device, unsigned line,
                             struct config_error *error)
{
    char name[CONFIG_DEVICE_NAME_LEN];
    struct port_range ranges[2];
    unsigned count = device_port_ranges(device, ranges);

    for (unsigned i = 0; i < count; i++) {
        const char *kept = config_kept_ports_overlap(ranges[i].first, ranges[i].last);
        if (kept == NULL)
            kept = config_chipset_ports_overlap(ranges[i].first, ranges[i].last);
        if (kept == NULL)
            continue;
        config_device_name(device, name, sizeof(name));
        return config_fail_at(error, line, "%s overlaps %s, which the hypervisor keeps", name,
                              kept);
    }
    return true;
}

/* Sharing is not implemented: ISA lines are edge-triggered, so two devices
 * on one would lose each other's interrupts, and a shared level line would
 * need every owner's handler to run before it is unmasked. */
static bool check_irq_unshared(const struct config_partition *partition,
                               const struct config_device *device, struct config_error *error)
{
    char name[CONFIG_DEVICE_NAME_LEN], other[CONFIG_DEVICE_NAME_LEN];

    for (unsigned i = 0; device->irq && i < partition->device_count; i++) {
        if (partition->devices[i].irq != device->irq)
            continue;
        config_device_name(device, name, sizeof(name));
        config_device_name(&partition->devices[i], other, sizeof(other));
        return config_fail_at(error, partition->devices_line,
                              "device '%s' would share IRQ %u with '%s'; name another with irq N",
                              name, (unsigned)device->irq, other);
    }
    return true;
}

/* Adds a parsed device after the checks that need only this list. */
static bool add_device(struct config_partition *partition, const struct config_device *device,
                       struct config_error *error)
{
    unsigned line = partition->devices_line;
    char name[CONFIG_DEVICE_NAME_LEN], other[CONFIG_DEVICE_NAME_LEN];

    for (unsigned i = 0; i < partition->device_count; i++) {
        const struct config_device *earlier = &partition->devices[i];
        if (!devices_clash(earlier, device))
            continue;
        config_device_name(device, name, sizeof(name));
        config_device_name(earlier, other, sizeof(other));
        if (device->kind != CONFIG_DEVICE_PCI &&
            (earlier->kind != device->kind || earlier->port != device->port))
            return config_fail_at(error, line, "device '%s' shares ports with '%s'", name, other);
        return config_fail_at(error, line, "device '%s' is given twice", name);
    }
    if (!check_kept_ports(device, line, error) || !check_irq_unshared(partition, device, error))
        return false;
    if (partition->device_count == CONFIG_MAX_DEVICES)
        return config_fail_at(error, line, "too many devices: at most %u are allowed",
                              CONFIG_MAX_DEVICES);
    partition->devices[partition->device_count++] = *device;
    return true;
}

bool config_parse_devices(struct config_partition *partition, struct span value,
                          struct config_error *error)
{
    unsigned line = partition->devices_line;
    struct span_list list = {value, false};
    struct span entry;

    while (span_list_next(&list, &entry)) {
        struct span item = span_trim(entry);
        struct config_device device = {0};

        if (item.len == 0)
            return config_fail_at(error, line,
                                  "empty entry in 'devices'; expected a list such as %s",
                                  "serial 0x2f8, framebuffer, keyboard, pci 00:02.0");
        if (!parse_item(item, line, &device, error) || !add_device(partition, &device, error))
            return false;
    }
    return true;
}

/* The hypervisor's own console port is handed over whole (its owner takes
 * over the console), never in part. */
static bool check_console_port(const struct config *config,
                               const struct config_partition *partition, struct config_error *error)
{
    unsigned console = config->hypervisor.serial_port;
    struct config_device console_uart = {.kind = CONFIG_DEVICE_SERIAL, .port = (uint16_t)console};
    char name[CONFIG_DEVICE_NAME_LEN];

    for (unsigned i = 0; console != 0 && i < partition->device_count; i++) {
        const struct config_device *device = &partition->devices[i];
        bool whole = device->kind == CONFIG_DEVICE_SERIAL && device->port == console;
        if (whole || !ports_shared(device, &console_uart))
            continue;
        config_device_name(device, name, sizeof(name));
        return config_fail_at(error, partition->devices_line,
                              "%s overlaps the hypervisor's console (serial = 0x%x in "
                              "[hypervisor]); name that port to take over the console",
                              name, console);
    }
    return true;
}

bool config_check_device_owners(const struct config *config, struct config_error *error)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *partition = &config->partitions[i];

        if (partition->devices_line == 0)
            continue;
        if (!partition->privileged)
            return config_fail_at(error, partition->devices_line,
                                  "partition '%s' may not own devices: only the privileged "
                                  "partition (privileged = yes) may",
                                  partition->name);
        if (!check_console_port(config, partition, error))
            return false;
    }
    return true;
}

static bool device_present(const struct config_device *device,
                           const struct config_machine_devices *machine)
{
    switch (device->kind) {
    case CONFIG_DEVICE_FRAMEBUFFER:
        return machine->has_framebuffer;
    case CONFIG_DEVICE_PCI:
        return machine->pci_present(device->bus, device->slot, device->function);
    default:
        return true; /* a UART without its scratch register is still its owner's business */
    }
}

uint8_t config_device_irq(const struct config_device *device, uint8_t interrupt_line)
{
    if (device->irq != 0 || device->kind != CONFIG_DEVICE_PCI)
        return device->irq;
    return irq_usable(interrupt_line) ? interrupt_line : 0;
}

bool config_device_irq_is_level(const struct config_device *device)
{
    return device->kind == CONFIG_DEVICE_PCI;
}

/* The interrupt line register of a PCI function the config gives no IRQ;
 * CONFIG_PCI_NO_LINE for every other device. */
static uint8_t firmware_line(const struct config_device *device,
                             const struct config_machine_devices *machine)
{
    if (device->kind != CONFIG_DEVICE_PCI || device->irq != 0)
        return CONFIG_PCI_NO_LINE;
    return machine->pci_interrupt_line(device->bus, device->slot, device->function);
}

/* 0 (none) and 0xff (unknown, or no pin) are the firmware's "no IRQ". */
static bool check_firmware_line(const struct config_partition *partition,
                                const struct config_device *device, uint8_t line,
                                struct config_error *error)
{
    char name[CONFIG_DEVICE_NAME_LEN];

    if (line == 0 || line == CONFIG_PCI_NO_LINE || irq_usable(line))
        return true;
    config_device_name(device, name, sizeof(name));
    return config_fail_at(error, partition->devices_line,
                          "device '%s': its interrupt line register says IRQ %u, which no "
                          "device may have (1 to %u other than %u); name one with irq N",
                          name, (unsigned)line, CONFIG_IRQ_MAX, CONFIG_IRQ_CASCADE);
}

/* Two devices of the partition that end up on one IRQ once the interrupt
 * line registers are read (the parser caught explicit clashes already). */
static bool check_resolved_irqs(const struct config_partition *partition,
                                const struct config_machine_devices *machine,
                                struct config_error *error)
{
    uint8_t irqs[CONFIG_MAX_DEVICES];
    char name[CONFIG_DEVICE_NAME_LEN], other[CONFIG_DEVICE_NAME_LEN];

    for (unsigned d = 0; d < partition->device_count; d++) {
        const struct config_device *device = &partition->devices[d];
        uint8_t line = firmware_line(device, machine);

        if (!check_firmware_line(partition, device, line, error))
            return false;
        irqs[d] = config_device_irq(device, line);
        for (unsigned e = 0; irqs[d] != 0 && e < d; e++) {
            if (irqs[e] != irqs[d])
                continue;
            config_device_name(device, name, sizeof(name));
            config_device_name(&partition->devices[e], other, sizeof(other));
            return config_fail_at(error, partition->devices_line,
                                  "device '%s' would share IRQ %u (from its interrupt line "
                                  "register) with '%s'; name another with irq N",
                                  name, (unsigned)irqs[d], other);
        }
    }
    return true;
}

/* The words for a bridge of this subclass (an LPC bridge calls itself an
 * ISA bridge). */
static const char *bridge_kind(uint8_t subclass)
{
    switch (subclass) {
    case PCI_SUBCLASS_HOST_BRIDGE:
        return "a host bridge";
    case PCI_SUBCLASS_ISA_BRIDGE:
        return "an ISA or LPC bridge";
    case PCI_SUBCLASS_PCI_BRIDGE:
    case PCI_SUBCLASS_SEMI_TRANSPARENT_PCI_BRIDGE:
        return "a PCI-PCI bridge";
    default:
        return "a bridge";
    }
}

/* A bridge is the chipset's, not a device to drive: a host bridge holds the
 * memory controller's registers, an ISA/LPC bridge the legacy devices, the
 * firmware's flash and the reset and power lines, and a PCI-PCI bridge
 * forwards other functions' accesses and DMA through windows it moves. */
static bool check_not_bridge(const struct config_partition *partition,
                             const struct config_device *device,
                             const struct config_machine_devices *machine,
                             struct config_error *error)
{
    char name[CONFIG_DEVICE_NAME_LEN];
    uint32_t class_code;

    if (device->kind != CONFIG_DEVICE_PCI)
        return true;
    class_code = machine->pci_class(device->bus, device->slot, device->function);
    if (class_code >> 16 != PCI_CLASS_BRIDGE)
        return true;
    config_device_name(device, name, sizeof(name));
    return config_fail_at(error, partition->devices_line,
                          "device '%s' of partition '%s' is %s (class 0x%x%x), which no "
                          "partition may own",
                          name, partition->name, bridge_kind((uint8_t)(class_code >> 8)),
                          (unsigned)(class_code >> 16), (unsigned)(class_code >> 8 & 0xff));
}

/* Every device there, and no PCI function a bridge. */
static bool check_ownable(const struct config_partition *partition,
                          const struct config_machine_devices *machine, struct config_error *error)
{
    char name[CONFIG_DEVICE_NAME_LEN];

    for (unsigned d = 0; d < partition->device_count; d++) {
        const struct config_device *device = &partition->devices[d];

        if (!device_present(device, machine)) {
            config_device_name(device, name, sizeof(name));
            return config_fail_at(error, partition->devices_line,
                                  "device '%s' of partition '%s' is not present on this machine",
                                  name, partition->name);
        }
        if (!check_not_bridge(partition, device, machine, error))
            return false;
    }
    return true;
}

int config_check_devices(const struct config *config, const struct config_machine_devices *machine,
                         struct config_error *error)
{
    config_text_format(error->file, CONFIG_NAME_LEN, "%s",
                       config->file_name[0] != '\0' ? config->file_name : "(config)");
    error->line = 0;
    error->message[0] = '\0';
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *partition = &config->partitions[i];

        if (!check_ownable(partition, machine, error) ||
            !check_resolved_irqs(partition, machine, error))
            return -1;
    }
    return 0;
}
