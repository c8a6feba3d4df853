/* The ATA disks dom0 owns (`devices = ata PORT`), driven by polled PIO,
 * and the ranges of them it serves to other partitions as their disks. */
#ifndef GUESTS_DOM0_ATA_HOST_H
#define GUESTS_DOM0_ATA_HOST_H

#include <stdbool.h>

#include "guests/dom0/disk_store.h"
#include "include/bulkhead/guest_abi.h"

/* The store of `disk`, a range of the master disk on the channel at
 * disk->ata_port: the disk is identified the first time (its model and
 * size said on the console) and must hold the whole range. False, said on
 * the console, when it cannot be served. */
bool ata_host_open_range(const struct guest_disk *disk, struct disk_store *store);

#endif
