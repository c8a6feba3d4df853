/*
 * What is checked once the whole file has been read, against the machine
 * the stub finds (CPUs present, usable memory), and the list of image files
 * the stub loads.
 */
#include "lib/config.h"

#include "lib/config_text.h"

bool config_partition_has_cpu(const struct config_partition *partition, unsigned cpu)
{
    return cpu < CONFIG_MAX_CPUS && (partition->cpus[cpu / 64] >> (cpu % 64)) & 1;
}

static bool check_cpus_present(const struct config_partition *partition, unsigned cpu_count,
                               struct config_error *error)
{
    for (unsigned cpu = cpu_count; cpu < CONFIG_MAX_CPUS; cpu++) {
        if (!config_partition_has_cpu(partition, cpu))
            continue;
        if (cpu_count == 1)
            return config_fail_at(error, partition->cpus_line,
                                  "cpu %u is not present: this machine has 1 CPU (cpu0)", cpu);
        return config_fail_at(error, partition->cpus_line,
                              "cpu %u is not present: this machine has %u CPUs (cpu0-cpu%u)", cpu,
                              cpu_count, cpu_count - 1);
    }
    return true;
}

/* Rounded down to a whole MiB, so a message does not show a long odd number. */
static uint64_t round_for_message(uint64_t bytes)
{
    return bytes >= MIB ? bytes - bytes % MIB : bytes;
}

int config_check_machine(const struct config *config, unsigned cpu_count, uint64_t usable_bytes,
                         struct config_error *error)
{
    uint64_t asked = 0;

    config_error_start(error, config->file_name[0] != '\0' ? config->file_name : NULL);
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *partition = &config->partitions[i];

        if (!check_cpus_present(partition, cpu_count, error))
            return -1;
        asked += partition->memory;
        if (asked > usable_bytes) {
            config_fail_at(
                error, partition->memory_line,
                "partition '%s' does not fit: the partitions up to it ask for %z of memory, "
                "but this machine has only %z usable",
                partition->name, asked, round_for_message(usable_bytes));
            return -1;
        }
    }
    return 0;
}

#define FILES_PER_PARTITION 3 /* image, initrd, disk */

const char *config_disk_image_problem(uint64_t bytes)
{
    if (bytes == 0)
        return "it is empty, and a disk holds at least one 512-byte sector";
    if (bytes % CONFIG_DISK_SECTOR_SIZE != 0)
        return "its size is not a whole number of 512-byte sectors";
    return NULL;
}

static const char *named(const char *name)
{
    return name[0] != '\0' ? name : NULL;
}

/* Every file name in order, repeats included: the probe, then each
 * partition's image, initrd and disk. */
static const char *image_mention(const struct config *config, size_t mention)
{
    const struct config_partition *partition;

    if (mention == 0)
        return named(config->hypervisor.probe_image);
    partition = &config->partitions[(mention - 1) / FILES_PER_PARTITION];
    switch ((mention - 1) % FILES_PER_PARTITION) {
    case 0:
        return partition->image;
    case 1:
        return named(partition->initrd);
    default:
        return named(partition->disk.file);
    }
}

static size_t mention_count(const struct config *config)
{
    return 1 + FILES_PER_PARTITION * (size_t)config->partition_count;
}

/* Whether a mention names an image that no earlier mention named. */
static bool is_new_image(const struct config *config, size_t mention)
{
    const char *name = image_mention(config, mention);

    if (name == NULL)
        return false;
    for (size_t earlier = 0; earlier < mention; earlier++) {
        const char *other = image_mention(config, earlier);
        if (other != NULL && config_strings_equal(name, other))
            return false;
    }
    return true;
}

size_t config_image_count(const struct config *config)
{
    size_t count = 0;

    for (size_t mention = 0; mention < mention_count(config); mention++)
        count += is_new_image(config, mention);
    return count;
}

/* NULL when index is not below config_image_count(). */
const char *config_image_name(const struct config *config, size_t index)
{
    for (size_t mention = 0; mention < mention_count(config); mention++) {
        if (!is_new_image(config, mention))
            continue;
        if (index == 0)
            return image_mention(config, mention);
        index--;
    }
    return NULL;
}
