/* A virtio block device (virtio spec 5.2) over one split virtqueue: the
 * requests a driver makes available, served from the disk's store. */
#ifndef GUESTS_DOM0_VIRTIO_BLK_H
#define GUESTS_DOM0_VIRTIO_BLK_H

#include <stdint.h>

#include "guests/dom0/disk_store.h"
#include "guests/dom0/virtqueue.h"
#include "lib/virtio_pci.h"

#define VIRTIO_BLK_SECTOR   512u
#define VIRTIO_BLK_SEG_MAX  62u /* data segments a request may have (seg_max) */
#define VIRTIO_BLK_ID_BYTES 20u

struct virtio_blk_counts {
    unsigned served;  /* requests answered with a status */
    unsigned refused; /* chains the walker refused (put with length 0, or dropped) */
};

/* Serves what is available, at most one queue's worth, and publishes the
 * used ring; the counts say what happened (served + refused > 0: the
 * driver is to be interrupted). */
struct virtio_blk_counts virtio_blk_serve(struct virtqueue *queue, const struct disk_store *disk);

#endif
