/*
 * The disks the privileged partition serves. A partition's `disk` key
 * names an image the stub loaded beside the others, or a range of an ATA
 * disk the privileged partition owns. The hypervisor maps an image into
 * the privileged partition's guest-physical space, beyond its RAM, and
 * lists each disk on that partition's boot-info page. Only the privileged
 * partition reaches the sectors; the partition whose disk it is reaches
 * them through the controller dom0 models for it. An image lives in
 * memory, so what is written to it lasts until the machine powers off; a
 * range's writes are the ATA disk's, and persist.
 */
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/partition.h"
#include "lib/page_tables.h"
#include "lib/string.h"

static uint64_t round_up(uint64_t value, uint64_t unit)
{
    return (value + unit - 1) / unit * unit;
}

static const char *kind_name(const struct config_disk *disk)
{
    return disk->kind == CONFIG_DISK_IDE ? "ide" : "virtio";
}

const char *partition_disk_problem(const struct config_partition *c, const struct boot_info *boot)
{
    const struct boot_module *image = partition_boot_module(boot, c->disk.file);
    const char *problem = image ? config_disk_image_problem(image->size) : "it was not loaded";

    if (!problem || c->disk.ata_port != 0)
        return 0;
    log_error("partition %s: disk %s:%s: %s", c->name, kind_name(&c->disk), c->disk.file, problem);
    return "its disk cannot be served";
}

/* Partition ids follow the config's order from 1. */
static bool attach_one(struct partition *p, const struct config *config, unsigned index,
                       const struct boot_module *image, uint64_t address)
{
    const struct config_partition *owner = &config->partitions[index];
    struct arch_memory_region region = {address, image->phys, round_up(image->size, PAGE_SIZE),
                                        ARCH_MEMORY_SHARED};
    struct guest_disk *disk = &p->disks[p->disk_count];

    if (!arch_map_memory_region(p, &region))
        return false;
    *disk = (struct guest_disk){.partition_id = index + 1,
                                .kind = owner->disk.kind == CONFIG_DISK_IDE ? GUEST_DISK_IDE
                                                                            : GUEST_DISK_VIRTIO,
                                .address = address,
                                .sectors = image->size / GUEST_DISK_SECTOR};
    memcpy(disk->file, owner->disk.file, sizeof(disk->file));
    disk->file[sizeof(disk->file) - 1] = '\0';
    p->disk_count++;
    log_line("partition %s: serves the disk of partition %s: %s:%s, %llu sectors at 0x%llx",
             p->config->name, owner->name, kind_name(&owner->disk), owner->disk.file,
             (unsigned long long)disk->sectors, (unsigned long long)address);
    return true;
}

/* The config has checked that the privileged partition owns the disk and
 * that no other range shares a sector; dom0 checks that the disk is as
 * large as the range. */
static void attach_range(struct partition *p, const struct config *config, unsigned index)
{
    const struct config_partition *owner = &config->partitions[index];
    const struct config_disk *range = &owner->disk;

    p->disks[p->disk_count++] = (struct guest_disk){
        .partition_id = index + 1,
        .kind = range->kind == CONFIG_DISK_IDE ? GUEST_DISK_IDE : GUEST_DISK_VIRTIO,
        .sectors = range->sectors,
        .ata_port = range->ata_port,
        .first_sector = range->first_sector,
    };
    log_line("partition %s: serves the disk of partition %s: %s on ata 0x%x, sectors %llu-%llu",
             p->config->name, owner->name, kind_name(range), range->ata_port,
             (unsigned long long)range->first_sector,
             (unsigned long long)(range->first_sector + range->sectors - 1));
}

/* A disk whose image is unfit is left out: its own partition reports it
 * and does not start. */
const char *partition_disks_attach(struct partition *p, const struct config *config,
                                   const struct boot_info *boot)
{
    uint64_t address = GUEST_DISK_WINDOW;

    p->disk_count = 0;
    for (unsigned i = 0; i < config->partition_count && p->disk_count < GUEST_MAX_DISKS; i++) {
        const struct config_partition *c = &config->partitions[i];
        const struct boot_module *image = partition_boot_module(boot, c->disk.file);
        if (c->disk.kind != CONFIG_DISK_NONE && c->disk.ata_port != 0) {
            attach_range(p, config, i);
            continue;
        }
        if (c->disk.kind == CONFIG_DISK_NONE || !image || config_disk_image_problem(image->size))
            continue;
        if (!attach_one(p, config, i, image, address))
            return "not enough memory for the EPT of the disks it serves";
        address += round_up(image->size, PAGE_SIZE_2M);
    }
    return 0;
}
