/*
 * A disk the boot-info page lists, opened as its store: the image the
 * hypervisor mapped (reached once dom0 maps it in its own page tables), or
 * a range of an ATA disk dom0 owns.
 */
#include "guests/dom0/ata_host.h"
#include "guests/dom0/disk_store.h"
#include "guests/lib/paging.h"

bool disk_store_open(const struct guest_disk *disk, struct disk_store *store)
{
    if (disk->ata_port != 0)
        return ata_host_open_range(disk, store);
    if (!map_memory(disk->address, disk->sectors * GUEST_DISK_SECTOR))
        return false;
    *store = disk_store_memory((uint8_t *)(uintptr_t)disk->address, disk->sectors);
    return true;
}
