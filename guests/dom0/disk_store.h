/* Where the sectors of a disk dom0 serves live: an image the hypervisor
 * mapped into dom0's memory (writes last until power-off), or a range of
 * an ATA disk dom0 owns and drives by PIO (guests/dom0/ata_host.c; writes
 * persist). The device models (ata.c behind the IDE controller,
 * virtio_blk.c) see only this. */
#ifndef GUESTS_DOM0_DISK_STORE_H
#define GUESTS_DOM0_DISK_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "include/bulkhead/guest_abi.h"

#define DISK_STORE_SECTOR GUEST_DISK_SECTOR

/* Each call may fail (false); the caller has already checked that
 * [lba, lba + count) lies inside the disk's `sectors`. */
struct disk_store {
    bool (*read)(void *context, uint64_t lba, uint32_t count, void *buffer);
    bool (*write)(void *context, uint64_t lba, uint32_t count, const void *buffer);
    bool (*flush)(void *context);
    void *context;
    uint64_t sectors;
    uint8_t *memory; /* an image's sectors, reachable without a copy; 0 for a disk */
};

/* The image of `sectors` sectors at `image`, in dom0's memory. */
struct disk_store disk_store_memory(uint8_t *image, uint64_t sectors);

/* The store of a disk the boot-info page lists: its image mapped, or its
 * range found on the ATA disk it lies on. False, said on the console, when
 * it cannot be served. */
bool disk_store_open(const struct guest_disk *disk, struct disk_store *store);

#endif
