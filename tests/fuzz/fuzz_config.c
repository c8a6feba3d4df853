/*
 * libFuzzer harness for the config reader: any bytes must give either a
 * config or one error with a line inside the file, and never a read outside
 * the input (AddressSanitizer watches that; the input is not NUL-terminated).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s has a terminator within its size bytes. */
static int terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t lines = 1;

    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    return lines;
}

static void check_error(const struct config_error *error, size_t lines)
{
    char text[CONFIG_NAME_LEN + CONFIG_MESSAGE_LEN + 16];

    if (error->line == 0 || error->line > lines || error->message[0] == '\0' ||
        !terminated(error->message, CONFIG_MESSAGE_LEN) ||
        !terminated(error->file, CONFIG_NAME_LEN))
        abort();
    config_format_error(error, text, sizeof(text));
    if (!terminated(text, sizeof(text)))
        abort();
}

/* What the reader promises about every partition it accepts. */
static void check_partition(const struct config_partition *partition)
{
    unsigned cpus = 0;

    for (unsigned cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++)
        cpus += config_partition_has_cpu(partition, cpu);
    if (!terminated(partition->name, sizeof(partition->name)) || partition->name[0] == '\0' ||
        !terminated(partition->image, CONFIG_NAME_LEN) || partition->image[0] == '\0' ||
        cpus == 0 || cpus != partition->cpu_count || partition->memory < (1u << 20) ||
        partition->memory > (64ull << 30) || partition->memory % 4096 != 0 ||
        partition->time_limit_seconds > 3600 || partition->cpus_line <= partition->line ||
        partition->memory_line <= partition->line || partition->image_line <= partition->line)
        abort();
}

static bool serial_ports_overlap(const struct config_device *a, const struct config_device *b)
{
    return a->kind == CONFIG_DEVICE_SERIAL && b->kind == CONFIG_DEVICE_SERIAL &&
           a->port < b->port + CONFIG_SERIAL_PORT_COUNT &&
           b->port < a->port + CONFIG_SERIAL_PORT_COUNT;
}

static bool same_device(const struct config_device *a, const struct config_device *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == CONFIG_DEVICE_PCI)
        return a->bus == b->bus && a->slot == b->slot && a->function == b->function;
    return a->kind == CONFIG_DEVICE_FRAMEBUFFER || serial_ports_overlap(a, b);
}

/* Devices: only in the privileged partition, each once, well formed, never
 * part of the hypervisor's console port (all of it is allowed: its owner
 * takes the console over); IRQs valid and unshared. */
static void check_devices(const struct config *config, const struct config_partition *partition)
{
    uint16_t console = config->hypervisor.serial_port;

    if (partition->device_count > CONFIG_MAX_DEVICES ||
        (partition->device_count > 0 && (!partition->privileged || partition->devices_line == 0)))
        abort();
    for (unsigned i = 0; i < partition->device_count; i++) {
        const struct config_device *d = &partition->devices[i];
        struct config_device hv_console = {.kind = CONFIG_DEVICE_SERIAL, .port = console};
        char name[32];

        if (d->kind == CONFIG_DEVICE_SERIAL &&
            (d->port == 0 || d->port > 0xfff8 ||
             (console != 0 && d->port != console && serial_ports_overlap(d, &hv_console))))
            abort();
        if (d->irq == CONFIG_IRQ_CASCADE || d->irq > CONFIG_IRQ_MAX ||
            (d->irq != 0 && d->kind == CONFIG_DEVICE_FRAMEBUFFER))
            abort();
        if (d->kind == CONFIG_DEVICE_PCI && (d->slot > 0x1f || d->function > 7))
            abort();
        for (unsigned j = 0; j < i; j++) {
            if (same_device(d, &partition->devices[j]) ||
                (d->irq != 0 && d->irq == partition->devices[j].irq))
                abort();
        }
        config_device_name(d, name, sizeof(name));
        if (!terminated(name, sizeof(name)) || name[0] == '\0')
            abort();
    }
}

/* No CPU in two partitions, at most one privileged. */
static void check_partitions(const struct config *config)
{
    unsigned privileged = 0;

    if (config->partition_count > CONFIG_MAX_PARTITIONS)
        abort();
    for (unsigned i = 0; i < config->partition_count; i++) {
        check_partition(&config->partitions[i]);
        check_devices(config, &config->partitions[i]);
        privileged += config->partitions[i].privileged;
        for (unsigned j = 0; j < i; j++) {
            for (unsigned w = 0; w < CONFIG_MAX_CPUS / 64; w++) {
                if (config->partitions[i].cpus[w] & config->partitions[j].cpus[w])
                    abort();
            }
        }
    }
    if (privileged > 1)
        abort();
}

static uint8_t present_bus;

static bool pci_present_on_one_bus(uint8_t bus, uint8_t slot, uint8_t function)
{
    (void)slot;
    (void)function;
    return bus == present_bus;
}

static bool pci_present_everywhere(uint8_t bus, uint8_t slot, uint8_t function)
{
    (void)bus;
    (void)slot;
    (void)function;
    return true;
}

/* Any value, usable IRQ or not: the bus number from the input. */
static uint8_t line_from_input(uint8_t bus, uint8_t slot, uint8_t function)
{
    (void)bus;
    (void)slot;
    (void)function;
    return present_bus;
}

static uint8_t no_line(uint8_t bus, uint8_t slot, uint8_t function)
{
    (void)bus;
    (void)slot;
    (void)function;
    return CONFIG_PCI_NO_LINE;
}

/* Any class, bridges among them: the slot number from the input. */
static uint32_t class_from_slot(uint8_t bus, uint8_t slot, uint8_t function)
{
    (void)bus;
    (void)function;
    return (uint32_t)slot << 16;
}

static uint32_t network_controller(uint8_t bus, uint8_t slot, uint8_t function)
{
    (void)bus;
    (void)slot;
    (void)function;
    return 0x020000;
}

/* A machine with one PCI bus from the input, with or without a framebuffer,
 * whose interrupt line registers hold that number too, and whose functions'
 * class is their slot number; a machine with everything, no bridges and no
 * PCI IRQs accepts every parsed config. */
static void check_device_presence(const struct config *config, uint8_t bus, size_t lines)
{
    struct config_machine_devices some = {bus & 1, pci_present_on_one_bus, line_from_input,
                                          class_from_slot};
    struct config_machine_devices all = {true, pci_present_everywhere, no_line, network_controller};
    struct config_error error;

    present_bus = bus;
    if (config_check_devices(config, &some, &error) != 0)
        check_error(&error, lines);
    if (config_check_devices(config, &all, &error) != 0)
        abort();
}

/* The machine checks on a machine made up from the input, so they are fuzzed too. */
static void check_machine(const struct config *config, const uint8_t *data, size_t size)
{
    unsigned cpus = size > 0 ? data[0] + 1u : 1;
    uint64_t bytes = (uint64_t)size << (size > 1 ? data[1] % 40 : 20);
    struct config_error error;
    size_t lines = count_lines(data, size);

    if (config_check_machine(config, cpus, bytes, &error) != 0)
        check_error(&error, lines);
    if (config_check_machine(config, CONFIG_MAX_CPUS, UINT64_MAX, &error) != 0)
        abort();
    check_device_presence(config, size > 2 ? data[2] : 0, lines);
}

static void check_config(const struct config *config, const uint8_t *data, size_t size)
{
    size_t count = config_image_count(config);

    if (!terminated(config->hypervisor.probe_image, CONFIG_NAME_LEN))
        abort();
    check_partitions(config);
    check_machine(config, data, size);
    for (size_t i = 0; i < count; i++) {
        const char *name = config_image_name(config, i);
        if (name == NULL || name[0] == '\0' || !terminated(name, CONFIG_NAME_LEN))
            abort();
    }
    if (config_image_name(config, count) != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private copy of exactly size bytes, so any over-read hits a redzone. */
    char *text = malloc(size ? size : 1);
    struct config config;
    struct config_error error;

    memcpy(text, data, size);
    if (config_parse(text, size, "fuzz.cfg", &config, &error) == 0)
        check_config(&config, data, size);
    else
        check_error(&error, count_lines(data, size));
    free(text);
    return 0;
}
