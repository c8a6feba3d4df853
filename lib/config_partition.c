/*
 * The [partition NAME] sections: the name, the CPU list, the memory size,
 * the image and the partition's options. Checks that need the other
 * partitions read so far (a CPU given twice, two privileged partitions) are
 * made as each key is read, so the error names the line at fault.
 */
#include "lib/config_reader.h"

#define PAGE_SIZE            (4 * KIB)
#define PARTITION_MEMORY_MIN MIB
#define PARTITION_MEMORY_MAX (64 * GIB)
#define TIME_LIMIT_MAX       3600 /* seconds: an hour is plenty for a watchdog */

static bool is_partition_name(struct span name)
{
    if (name.len == 0 || name.len >= CONFIG_PARTITION_NAME_LEN)
        return false;
    for (size_t i = 0; i < name.len; i++) {
        char c = name.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

static const struct config_partition *find_partition(const struct config *config, struct span name)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (span_equals(name, config->partitions[i].name))
            return &config->partitions[i];
    }
    return NULL;
}

static void partition_set_defaults(struct config_partition *partition, struct span name,
                                   unsigned line)
{
    for (size_t i = 0; i < name.len; i++)
        partition->name[i] = name.ptr[i];
    partition->name[name.len] = '\0';
    for (size_t i = 0; i < CONFIG_MAX_CPUS / 64; i++)
        partition->cpus[i] = 0;
    partition->cpu_count = 0;
    partition->memory = 0;
    partition->image[0] = '\0';
    partition->kernel = false;
    partition->initrd[0] = '\0';
    partition->cmdline[0] = '\0';
    partition->mode = CONFIG_MODE_FULL;
    partition->privileged = false;
    partition->on_crash = CONFIG_ON_CRASH_STOP;
    partition->console = CONFIG_CONSOLE_DEBUGCON;
    partition->time_limit_seconds = 0;
    partition->script[0] = '\0';
    partition->line = line;
    partition->cpus_line = 0;
    partition->memory_line = 0;
    partition->image_line = 0;
    partition->initrd_line = 0;
    partition->cmdline_line = 0;
    partition->device_count = 0;
    partition->devices_line = 0;
    partition->emulated_count = 0;
    partition->emulate_line = 0;
    partition->disk = (struct config_disk){0};
    partition->disk_line = 0;
    partition->console_line = 0;
}

static bool enter_partition(struct config_reader *reader, struct span name)
{
    struct config *config = reader->config;
    const struct config_partition *same = find_partition(config, name);

    if (!is_partition_name(name))
        return reader_fail(
            reader, "bad partition name %q; expected 1 to 31 characters of A-Z, a-z, 0-9, _ and -",
            name);
    if (same != NULL)
        return reader_fail(reader, "partition '%s' is given twice (first on line %u)", same->name,
                           same->line);
    if (config->partition_count == CONFIG_MAX_PARTITIONS)
        return reader_fail(reader, "too many partitions: at most %u are allowed",
                           CONFIG_MAX_PARTITIONS);
    reader->partition = &config->partitions[config->partition_count++];
    partition_set_defaults(reader->partition, name, reader->line);
    return true;
}

/* The partition that owns cpu, or NULL. */
static const struct config_partition *find_cpu_owner(const struct config *config, unsigned cpu)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (config_partition_has_cpu(&config->partitions[i], cpu))
            return &config->partitions[i];
    }
    return NULL;
}

static bool add_cpu(struct config_reader *reader, unsigned cpu)
{
    struct config_partition *partition = reader->partition;
    const struct config_partition *owner = find_cpu_owner(reader->config, cpu);

    if (owner == partition)
        return reader_fail(reader, "cpu %u is given twice in the cpus of partition '%s'", cpu,
                           partition->name);
    if (owner != NULL)
        return reader_fail(reader, "cpu %u is already given to partition '%s' (line %u)", cpu,
                           owner->name, owner->cpus_line);
    partition->cpus[cpu / 64] |= 1ull << (cpu % 64);
    partition->cpu_count++;
    return true;
}

static bool parse_cpu_number(struct span s, uint64_t *cpu)
{
    return span_to_u64(span_trim(s), cpu) && *cpu < CONFIG_MAX_CPUS;
}

/* One item of the list: "2" or "1-3". */
static bool add_cpu_item(struct config_reader *reader, struct span item)
{
    size_t dash = span_find(item, '-');
    uint64_t first, last;

    if (!parse_cpu_number(span_head(item, dash), &first))
        return false;
    last = first;
    if (dash < item.len && !parse_cpu_number(span_tail(item, dash + 1), &last))
        return false;
    if (last < first)
        return false;
    for (uint64_t cpu = first; cpu <= last; cpu++) {
        if (!add_cpu(reader, (unsigned)cpu))
            return false;
    }
    return true;
}

static bool parse_cpus(struct config_reader *reader, struct span value)
{
    struct span_list list = {value, false};
    struct span item;

    reader->partition->cpus_line = reader->line;
    while (span_list_next(&list, &item)) {
        if (!add_cpu_item(reader, item))
            return false;
    }
    return true;
}

static bool parse_memory(struct config_reader *reader, struct span value)
{
    uint64_t bytes;

    reader->partition->memory_line = reader->line;
    if (!span_to_size(value, &bytes) || bytes % PAGE_SIZE != 0 || bytes < PARTITION_MEMORY_MIN ||
        bytes > PARTITION_MEMORY_MAX)
        return false;
    reader->partition->memory = bytes;
    return true;
}

/* 'image' and 'kernel' fill one slot: the file the partition boots. */
static bool parse_boot_file(struct config_reader *reader, struct span value, bool kernel)
{
    struct config_partition *partition = reader->partition;

    if (partition->image_line != 0)
        return reader_fail(reader,
                           "'image' and 'kernel' both name the file a partition boots; "
                           "line %u already did",
                           partition->image_line);
    partition->image_line = reader->line;
    partition->kernel = kernel;
    return parse_file_name(value, partition->image);
}

static bool parse_image(struct config_reader *reader, struct span value)
{
    return parse_boot_file(reader, value, false);
}

static bool parse_kernel(struct config_reader *reader, struct span value)
{
    return parse_boot_file(reader, value, true);
}

static bool parse_initrd(struct config_reader *reader, struct span value)
{
    reader->partition->initrd_line = reader->line;
    return parse_file_name(value, reader->partition->initrd);
}

/* "text in quotes" (which may hold '=' and runs of blanks), or the rest
 * of the line; printable ASCII either way. */
static bool parse_cmdline(struct config_reader *reader, struct span value)
{
    char *out = reader->partition->cmdline;

    reader->partition->cmdline_line = reader->line;
    if (value.ptr[0] == '"') {
        if (value.len < 2 || value.ptr[value.len - 1] != '"')
            return reader_fail(reader, "the quoted command line %q lacks its closing '\"'", value);
        value = (struct span){value.ptr + 1, value.len - 2};
    }
    if (value.len >= CONFIG_CMDLINE_LEN)
        return false;
    for (size_t i = 0; i < value.len; i++) {
        if (value.ptr[i] < ' ' || value.ptr[i] >= 0x7f || value.ptr[i] == '"')
            return false;
        out[i] = value.ptr[i];
    }
    out[value.len] = '\0';
    return true;
}

static bool parse_mode(struct config_reader *reader, struct span value)
{
    bool pv;

    if (!parse_one_of_two(value, "full", "pv", &pv))
        return false;
    reader->partition->mode = pv ? CONFIG_MODE_PV : CONFIG_MODE_FULL;
    return true;
}

/* Another privileged partition than this one, or NULL. */
static const struct config_partition *find_other_privileged(const struct config *config,
                                                            const struct config_partition *self)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *other = &config->partitions[i];
        if (other != self && other->privileged)
            return other;
    }
    return NULL;
}

static bool parse_privileged(struct config_reader *reader, struct span value)
{
    struct config_partition *partition = reader->partition;
    const struct config_partition *other;

    if (!parse_yes_no(value, &partition->privileged))
        return false;
    other = find_other_privileged(reader->config, partition);
    if (partition->privileged && other != NULL)
        return reader_fail(reader,
                           "only one partition may be privileged, and partition '%s' (line %u) is",
                           other->name, other->line);
    return true;
}

static bool parse_on_crash(struct config_reader *reader, struct span value)
{
    bool restart;

    if (!parse_one_of_two(value, "stop", "restart", &restart))
        return false;
    reader->partition->on_crash = restart ? CONFIG_ON_CRASH_RESTART : CONFIG_ON_CRASH_STOP;
    return true;
}

static bool parse_on_reboot(struct config_reader *reader, struct span value)
{
    return parse_one_of_two(value, "restart", "stop", &reader->partition->stop_on_reboot);
}

/* debugcon, none, or virtio: a virtio console that adds its function's
 * ranges to the ones forwarded to dom0. */
static bool parse_console(struct config_reader *reader, struct span value)
{
    struct config_partition *partition = reader->partition;

    partition->console_line = reader->line;
    if (span_equals(value, "debugcon"))
        partition->console = CONFIG_CONSOLE_DEBUGCON;
    else if (span_equals(value, "none"))
        partition->console = CONFIG_CONSOLE_NONE;
    else if (span_equals(value, "virtio"))
        partition->console = CONFIG_CONSOLE_VIRTIO;
    else
        return false;
    return partition->console != CONFIG_CONSOLE_VIRTIO ||
           config_add_console_models(partition, reader->error);
}

static bool parse_time_limit(struct config_reader *reader, struct span value)
{
    uint64_t seconds;

    if (!span_to_u64(value, &seconds) || seconds > TIME_LIMIT_MAX)
        return false;
    reader->partition->time_limit_seconds = (unsigned)seconds;
    return true;
}

/* Commands for the partition to run at start (dom0's boot script):
 * printable text, ';' between commands. */
static bool parse_script(struct config_reader *reader, struct span value)
{
    if (value.len >= CONFIG_SCRIPT_LEN)
        return false;
    for (size_t i = 0; i < value.len; i++) {
        if (value.ptr[i] < ' ' || value.ptr[i] >= 0x7f)
            return false;
        reader->partition->script[i] = value.ptr[i];
    }
    reader->partition->script[value.len] = '\0';
    return true;
}

static bool parse_devices(struct config_reader *reader, struct span value)
{
    reader->partition->devices_line = reader->line;
    return config_parse_devices(reader->partition, value, reader->error);
}

static bool parse_emulate(struct config_reader *reader, struct span value)
{
    reader->partition->emulate_line = reader->line;
    return config_parse_emulate(reader->partition, value, reader->error);
}

static const struct key_handler partition_keys[] = {
    {"cpus", parse_cpus, "CPU numbers from 0 to 255 as a list and/or ranges, as in 0, 2-3",
     KEY_REQUIRED},
    {"memory", parse_memory, "a multiple of 4K from 1M to 64G, in bytes or with a K, M or G suffix",
     KEY_REQUIRED},
    {"image", parse_image, "a file name of 1 to 63 characters without spaces or path separators",
     KEY_OPTIONAL},
    {"kernel", parse_kernel, "a file name of 1 to 63 characters without spaces or path separators",
     KEY_OPTIONAL},
    {"initrd", parse_initrd, "a file name of 1 to 63 characters without spaces or path separators",
     KEY_OPTIONAL},
    {"cmdline", parse_cmdline, "up to 255 printable characters, in quotes or to the line's end",
     KEY_OPTIONAL},
    {"mode", parse_mode, "full or pv", KEY_OPTIONAL},
    {"privileged", parse_privileged, "yes or no", KEY_OPTIONAL},
    {"on_crash", parse_on_crash, "stop or restart", KEY_OPTIONAL},
    {"on_reboot", parse_on_reboot, "restart or stop", KEY_OPTIONAL},
    {"console", parse_console, "debugcon, none or virtio", KEY_OPTIONAL},
    {"time_limit", parse_time_limit, "seconds from 1 to 3600, or 0 for no limit", KEY_OPTIONAL},
    {"script", parse_script, "commands separated by ';', up to 255 printable characters",
     KEY_OPTIONAL},
    {"devices", parse_devices, "a list such as serial 0x2f8, framebuffer, pci 00:02.0",
     KEY_OPTIONAL},
    {"emulate", parse_emulate, "a list such as uart 0x3f8, uart-mmio 0xfe000000", KEY_OPTIONAL},
    {"disk", config_parse_disk,
     "ide: or virtio: and its image's file name or a range of an ATA disk, as in ide:root.img",
     KEY_OPTIONAL},
};

_Static_assert(ARRAY_LENGTH(partition_keys) <= CONFIG_MAX_KEYS, "raise CONFIG_MAX_KEYS");

/* What one key cannot check alone: a file to boot, and the initrd and
 * command line only beside a kernel of a full partition. */
static bool leave_partition(struct config_reader *reader)
{
    const struct config_partition *p = reader->partition;
    struct config_error *error = reader->error;

    if (p->image_line == 0)
        return config_fail_at(error, p->line,
                              "[partition %s] lacks the key 'image', which it requires "
                              "(or 'kernel' for a kernel with an initrd and a command line)",
                              p->name);
    if (!p->kernel && p->initrd_line != 0)
        return config_fail_at(error, p->initrd_line,
                              "'initrd' goes with a 'kernel', and line %u names an 'image'",
                              p->image_line);
    if (!p->kernel && p->cmdline_line != 0)
        return config_fail_at(error, p->cmdline_line,
                              "'cmdline' goes with a 'kernel', and line %u names an 'image'",
                              p->image_line);
    if (p->kernel && p->mode == CONFIG_MODE_PV)
        return config_fail_at(error, p->image_line,
                              "'kernel' boots a kernel in a full partition; a pv partition "
                              "takes an 'image'");
    return true;
}

const struct section_type config_partition_section = {
    "partition",     true, enter_partition, partition_keys, ARRAY_LENGTH(partition_keys),
    leave_partition,
};
