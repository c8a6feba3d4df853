/*
 * A disk image in dom0's memory as a store: a write is there once the copy
 * is done, so a flush has nothing to do. A range of an owned ATA disk is
 * ata_host.c's; disk_open.c picks between them.
 */
#include "guests/dom0/disk_store.h"

#include "lib/string.h"

static uint8_t *sector_at(void *image, uint64_t lba)
{
    return (uint8_t *)image + lba * DISK_STORE_SECTOR;
}

static bool memory_read(void *image, uint64_t lba, uint32_t count, void *buffer)
{
    memcpy(buffer, sector_at(image, lba), (size_t)count * DISK_STORE_SECTOR);
    return true;
}

static bool memory_write(void *image, uint64_t lba, uint32_t count, const void *buffer)
{
    memcpy(sector_at(image, lba), buffer, (size_t)count * DISK_STORE_SECTOR);
    return true;
}

static bool memory_flush(void *image)
{
    (void)image;
    return true;
}

struct disk_store disk_store_memory(uint8_t *image, uint64_t sectors)
{
    return (struct disk_store){memory_read, memory_write, memory_flush, image, sectors, image};
}
