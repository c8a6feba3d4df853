/*
 * The `emulate` key of a full partition: the device models of the
 * privileged partition (dom0) that this partition gets. Only accesses in the
 * ranges named here are forwarded to dom0; elsewhere the partition sees what
 * bare metal shows where nothing is. The value is a comma-separated list of
 *
 *   uart PORT        a 16550 at the 8 I/O ports from PORT (COM1 is 0x3f8)
 *   uart-mmio ADDR   a memory-mapped 16550 in the 4 KiB page at ADDR
 *   pci BB:DD.F      the configuration space of a PCI function dom0 models
 *
 * The `disk` key adds the ranges of the disk's controller the same way.
 *
 * A model is a line of the table below. Like the rest of the reader this
 * file calls no library function.
 */
#include "include/bulkhead/device_models.h"
#include "lib/config.h"
#include "lib/config_text.h"

#define PAGE_SIZE         4096u
#define MMIO_LIMIT        (1ull << 32) /* where a PC's devices sit; names print in 32 bits */
#define PORT_LIMIT        0x10000u
#define PIC_MASTER_FIRST  0x20u
#define PIC_SLAVE_FIRST   0xa0u
#define PIC_PORTS         2u
#define EMULATE_EXAMPLE   "uart 0x3f8, uart-mmio 0xfe000000, pci 00:05.0"
#define PCI_CONFIG_LENGTH 256u

static const struct {
    const char *word;
    enum config_emulated_space space;
    uint64_t length;
    const char *address_text; /* for messages; NULL: not a model `emulate` names */
} models[] = {
    [CONFIG_EMULATED_UART] = {"uart", CONFIG_EMULATED_PORTS, 8, "the first of its 8 I/O ports"},
    [CONFIG_EMULATED_UART_MMIO] = {"uart-mmio", CONFIG_EMULATED_MMIO, PAGE_SIZE,
                                   "the guest-physical address of its 4 KiB page, below 4 GiB"},
    [CONFIG_EMULATED_PCI] = {"pci", CONFIG_EMULATED_PCI_FUNCTION, PCI_CONFIG_LENGTH,
                             "a PCI function BUS:DEVICE.FUNCTION in hex"},
    [CONFIG_EMULATED_IDE] = {"ide", CONFIG_EMULATED_PORTS, 0, NULL},
    [CONFIG_EMULATED_VIRTIO] = {"virtio", CONFIG_EMULATED_MMIO, 0, NULL},
    [CONFIG_EMULATED_VIRTIO_CONSOLE] = {"virtio-console", CONFIG_EMULATED_MMIO, 0, NULL},
};

void config_emulated_name(const struct config_emulated *emulated, char *buf, size_t size)
{
    const char *word = models[emulated->model].word;

    if (emulated->space == CONFIG_EMULATED_PCI_FUNCTION)
        config_text_format(buf, size, "%s %x:%x.%u", word, (unsigned)emulated->bus,
                           (unsigned)emulated->slot, (unsigned)emulated->function);
    else
        config_text_format(buf, size, "%s 0x%x", word, (unsigned)emulated->base);
}

static bool parse_address(struct span text, struct config_emulated *emulated)
{
    uint64_t base;
    struct config_device function = {0};

    if (emulated->space == CONFIG_EMULATED_PCI_FUNCTION) {
        if (!config_parse_pci_address(text, &function))
            return false;
        emulated->bus = function.bus;
        emulated->slot = function.slot;
        emulated->function = function.function;
        return true;
    }
    if (!span_to_u64(text, &base))
        return false;
    emulated->base = base;
    if (emulated->space == CONFIG_EMULATED_PORTS)
        return base != 0 && base + emulated->length <= PORT_LIMIT;
    return base % PAGE_SIZE == 0 && base < MMIO_LIMIT && emulated->length <= MMIO_LIMIT - base;
}

static bool parse_item(struct span item, unsigned line, struct config_emulated *emulated,
                       struct config_error *error)
{
    struct span address, rest;
    struct span word = span_split_word(item, &address);

    for (size_t m = 0; m < ARRAY_LENGTH(models); m++) {
        if (models[m].address_text == NULL || !span_equals(word, models[m].word))
            continue;
        *emulated = (struct config_emulated){.model = (enum config_emulated_model)m,
                                             .space = models[m].space,
                                             .length = models[m].length};
        if (span_split_word(address, &rest).len != 0 && rest.len == 0 &&
            parse_address(address, emulated))
            return true;
        return config_fail_at(error, line, "bad address %q for model '%s'; expected %s, as in %s",
                              address, models[m].word, models[m].address_text, EMULATE_EXAMPLE);
    }
    return config_fail_at(error, line,
                          "unknown device model %q; known models are uart PORT, "
                          "uart-mmio ADDRESS, pci BB:DD.F",
                          word);
}

static bool overlap(uint64_t first_a, uint64_t length_a, uint64_t first_b, uint64_t length_b)
{
    return first_a < first_b + length_b && first_b < first_a + length_a;
}

static bool same_range(const struct config_emulated *a, const struct config_emulated *b)
{
    if (a->space != b->space)
        return false;
    if (a->space == CONFIG_EMULATED_PCI_FUNCTION)
        return a->bus == b->bus && a->slot == b->slot && a->function == b->function;
    return overlap(a->base, a->length, b->base, b->length);
}

/* The ports the hypervisor answers itself in every partition, and the PIC
 * it emulates in full ones. */
static const char *hypervisor_port(const struct config_emulated *emulated)
{
    unsigned first = (unsigned)emulated->base, last = first + (unsigned)emulated->length - 1;
    const char *kept = config_kept_ports_overlap(first, last);

    if (kept == NULL && (overlap(first, last - first + 1, PIC_MASTER_FIRST, PIC_PORTS) ||
                         overlap(first, last - first + 1, PIC_SLAVE_FIRST, PIC_PORTS)))
        kept = "the PIC's ports 0x20-0x21 and 0xa0-0xa1";
    return kept;
}

static bool add_emulated(struct config_partition *partition, const struct config_emulated *emulated,
                         unsigned line, struct config_error *error)
{
    char name[CONFIG_EMULATED_NAME_LEN], other[CONFIG_EMULATED_NAME_LEN];
    const char *kept = emulated->space == CONFIG_EMULATED_PORTS ? hypervisor_port(emulated) : NULL;

    config_emulated_name(emulated, name, sizeof(name));
    if (kept != NULL)
        return config_fail_at(error, line, "'%s' overlaps %s, which the hypervisor keeps", name,
                              kept);
    for (unsigned i = 0; i < partition->emulated_count; i++) {
        if (!same_range(&partition->emulated[i], emulated))
            continue;
        config_emulated_name(&partition->emulated[i], other, sizeof(other));
        return config_fail_at(error, line, "'%s' overlaps '%s'", name, other);
    }
    if (partition->emulated_count == CONFIG_MAX_EMULATED)
        return config_fail_at(error, line, "too many device models: at most %u are allowed",
                              CONFIG_MAX_EMULATED);
    partition->emulated[partition->emulated_count++] = *emulated;
    return true;
}

bool config_parse_emulate(struct config_partition *partition, struct span value,
                          struct config_error *error)
{
    unsigned line = partition->emulate_line;
    struct span_list list = {value, false};
    struct span entry;

    while (span_list_next(&list, &entry)) {
        struct span item = span_trim(entry);
        struct config_emulated emulated;

        if (item.len == 0)
            return config_fail_at(error, line,
                                  "empty entry in 'emulate'; expected a list such as %s",
                                  EMULATE_EXAMPLE);
        if (!parse_item(item, line, &emulated, error) ||
            !add_emulated(partition, &emulated, line, error))
            return false;
    }
    return true;
}

static const struct config_emulated ide_ranges[] = {
    {CONFIG_EMULATED_IDE, CONFIG_EMULATED_PORTS, MODEL_IDE_COMMAND_PORT, MODEL_IDE_COMMAND_PORTS, 0,
     0, 0},
    {CONFIG_EMULATED_IDE, CONFIG_EMULATED_PORTS, MODEL_IDE_CONTROL_PORT, 1, 0, 0, 0},
    {CONFIG_EMULATED_IDE, CONFIG_EMULATED_PCI_FUNCTION, 0, PCI_CONFIG_LENGTH, 0, MODEL_IDE_PCI_SLOT,
     0},
};

static const struct config_emulated virtio_ranges[] = {
    {CONFIG_EMULATED_VIRTIO, CONFIG_EMULATED_MMIO, MODEL_VIRTIO_BLK_BAR, MODEL_VIRTIO_BAR_SIZE, 0,
     0, 0},
    {CONFIG_EMULATED_VIRTIO, CONFIG_EMULATED_PCI_FUNCTION, 0, PCI_CONFIG_LENGTH, 0,
     MODEL_VIRTIO_BLK_PCI_SLOT, 0},
};

static const struct config_emulated virtio_console_ranges[] = {
    {CONFIG_EMULATED_VIRTIO_CONSOLE, CONFIG_EMULATED_MMIO, MODEL_VIRTIO_CONSOLE_BAR,
     MODEL_VIRTIO_BAR_SIZE, 0, 0, 0},
    {CONFIG_EMULATED_VIRTIO_CONSOLE, CONFIG_EMULATED_PCI_FUNCTION, 0, PCI_CONFIG_LENGTH, 0,
     MODEL_VIRTIO_CONSOLE_PCI_SLOT, 0},
};

static bool add_ranges(struct config_partition *partition, const struct config_emulated *ranges,
                       size_t count, unsigned line, struct config_error *error)
{
    for (size_t i = 0; i < count; i++) {
        if (!add_emulated(partition, &ranges[i], line, error))
            return false;
    }
    return true;
}

bool config_add_console_models(struct config_partition *partition, struct config_error *error)
{
    return add_ranges(partition, virtio_console_ranges, ARRAY_LENGTH(virtio_console_ranges),
                      partition->console_line, error);
}

bool config_add_disk_models(struct config_partition *partition, struct config_error *error)
{
    if (partition->disk.kind == CONFIG_DISK_IDE)
        return add_ranges(partition, ide_ranges, ARRAY_LENGTH(ide_ranges), partition->disk_line,
                          error);
    return add_ranges(partition, virtio_ranges, ARRAY_LENGTH(virtio_ranges), partition->disk_line,
                      error);
}

/* Once the whole section is read: models reach full partitions only, and
 * a memory-mapped one must lie beyond the partition's RAM, where its
 * accesses exit. */
static bool check_partition(const struct config_partition *partition, struct config_error *error)
{
    char name[CONFIG_EMULATED_NAME_LEN];
    unsigned line = partition->emulate_line ? partition->emulate_line
                    : partition->disk_line  ? partition->disk_line
                                            : partition->console_line;

    /* A pv guest that knows Bulkhead drives virtio as any guest does. */
    bool pv_virtio_only = partition->emulate_line == 0 && partition->disk.kind != CONFIG_DISK_IDE;

    if (partition->mode != CONFIG_MODE_FULL && !pv_virtio_only && !partition->privileged)
        return config_fail_at(error, line,
                              "partition '%s' is not a full partition (mode = full): only those "
                              "get emulated devices (a pv one gets a virtio disk)",
                              partition->name);
    if (partition->disk_line != 0 && partition->privileged)
        return config_fail_at(error, partition->disk_line,
                              "partition '%s' is the privileged one, which serves the disks of "
                              "the others: it gets none itself",
                              partition->name);
    if (partition->console == CONFIG_CONSOLE_VIRTIO && partition->privileged)
        return config_fail_at(error, partition->console_line,
                              "partition '%s' is the privileged one, which serves the virtio "
                              "consoles of the others: it gets none itself",
                              partition->name);
    for (unsigned i = 0; i < partition->emulated_count; i++) {
        const struct config_emulated *emulated = &partition->emulated[i];
        if (emulated->space != CONFIG_EMULATED_MMIO || emulated->base >= partition->memory)
            continue;
        config_emulated_name(emulated, name, sizeof(name));
        return config_fail_at(error, partition->emulate_line,
                              "'%s' lies in the partition's RAM (memory = %z); place it above",
                              name, partition->memory);
    }
    return true;
}

bool config_check_emulated(const struct config *config, struct config_error *error)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *partition = &config->partitions[i];

        if ((partition->emulate_line != 0 || partition->disk_line != 0 ||
             partition->console == CONFIG_CONSOLE_VIRTIO) &&
            !check_partition(partition, error))
            return false;
    }
    return true;
}
