/*
 * The `disk` key of a partition: a disk the privileged partition (dom0)
 * serves to it. The value is KIND:WHERE, the kind being the device the
 * partition sees (ide or virtio) and WHERE what holds the sectors:
 *
 *   FILE                         an image beside BOOTX64.EFI, which the
 *                                hypervisor maps into dom0's memory: its
 *                                writes last until the machine powers off
 *   ata PORT lba FIRST sectors COUNT
 *                                COUNT sectors from FIRST of the ATA disk
 *                                the privileged partition owns (`devices =
 *                                ata PORT`): its writes persist
 *
 * Once the whole file is read, each range must lie on a disk the
 * privileged partition owns, and no two partitions' ranges may share a
 * sector. Like the rest of the reader this file calls no library function.
 */
#include "lib/config.h"
#include "lib/config_reader.h"

#define LBA48_SECTORS (1ull << 48) /* what an ATA disk can address */

/* The word of s equals `expected`, and *value gets the number after it. */
static bool keyword_number(struct span *s, const char *expected, uint64_t *value)
{
    struct span rest;
    struct span word = span_split_word(*s, &rest);
    struct span number = span_split_word(rest, s);

    return span_equals(word, expected) && span_to_u64(number, value);
}

/* "ata PORT lba FIRST sectors COUNT" */
static bool parse_ata_range(struct span where, struct config_disk *disk)
{
    uint64_t port, first, count;

    if (!keyword_number(&where, "ata", &port) || !keyword_number(&where, "lba", &first) ||
        !keyword_number(&where, "sectors", &count) || where.len != 0)
        return false;
    if (port == 0 || port + CONFIG_ATA_CONTROL_OFFSET > 0xffffu || count == 0 ||
        first >= LBA48_SECTORS || count > LBA48_SECTORS - first)
        return false;
    disk->ata_port = (uint16_t)port;
    disk->first_sector = first;
    disk->sectors = count;
    return true;
}

static bool names_ata_disk(struct span where)
{
    struct span rest;

    return span_equals(span_split_word(where, &rest), "ata") && rest.len != 0;
}

bool config_parse_disk(struct config_reader *reader, struct span value)
{
    struct config_partition *partition = reader->partition;
    size_t colon = span_find(value, ':');
    struct span kind = span_head(value, colon);
    struct span where = colon < value.len ? span_tail(value, colon + 1) : (struct span){0};

    partition->disk_line = reader->line;
    if (span_equals(kind, "ide"))
        partition->disk.kind = CONFIG_DISK_IDE;
    else if (span_equals(kind, "virtio"))
        partition->disk.kind = CONFIG_DISK_VIRTIO;
    else
        return reader_fail(reader,
                           "unknown disk kind %q; the kinds known are ide and virtio, as in "
                           "ide:root.img",
                           kind);
    if (names_ata_disk(where)) {
        if (!parse_ata_range(where, &partition->disk))
            return reader_fail(reader,
                               "bad disk %q; expected ata PORT lba FIRST sectors COUNT (a range "
                               "within LBA48's 2^48 sectors), as in virtio:ata 0x170 lba 2048 "
                               "sectors 16384",
                               where);
    } else if (!parse_file_name(where, partition->disk.file)) {
        return false;
    }
    return config_add_disk_models(partition, reader->error);
}

static bool owns_ata(const struct config_partition *partition, uint16_t port)
{
    for (unsigned i = 0; partition->privileged && i < partition->device_count; i++) {
        const struct config_device *device = &partition->devices[i];
        if (device->kind == CONFIG_DEVICE_ATA && device->port == port)
            return true;
    }
    return false;
}

static bool any_owns_ata(const struct config *config, uint16_t port)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (owns_ata(&config->partitions[i], port))
            return true;
    }
    return false;
}

static uint64_t last_sector(const struct config_disk *disk)
{
    return disk->first_sector + disk->sectors - 1;
}

static bool share_sectors(const struct config_disk *a, const struct config_disk *b)
{
    return a->ata_port == b->ata_port && a->first_sector <= last_sector(b) &&
           b->first_sector <= last_sector(a);
}

/* A range on a disk the privileged partition owns, apart from the ranges
 * of the partitions before it. */
static bool check_ata_range(const struct config *config, unsigned index, struct config_error *error)
{
    const struct config_partition *partition = &config->partitions[index];
    const struct config_disk *disk = &partition->disk;

    if (!any_owns_ata(config, disk->ata_port))
        return config_fail_at(error, partition->disk_line,
                              "the disk of partition '%s' lies on ata 0x%x, which the privileged "
                              "partition does not own (devices = ata 0x%x)",
                              partition->name, (unsigned)disk->ata_port, (unsigned)disk->ata_port);
    for (unsigned i = 0; i < index; i++) {
        const struct config_partition *other = &config->partitions[i];
        if (other->disk.ata_port == 0 || !share_sectors(&other->disk, disk))
            continue;
        return config_fail_at(error, partition->disk_line,
                              "sectors %l-%l of ata 0x%x overlap the disk of partition '%s' "
                              "(sectors %l-%l)",
                              disk->first_sector, last_sector(disk), (unsigned)disk->ata_port,
                              other->name, other->disk.first_sector, last_sector(&other->disk));
    }
    return true;
}

bool config_check_disks(const struct config *config, struct config_error *error)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (config->partitions[i].disk.ata_port != 0 && !check_ata_range(config, i, error))
            return false;
    }
    return true;
}
