/*
 * A small virtio-blk driver for Bulkhead's own guests: it finds the modern
 * virtio block function dom0 serves (PCI 00:02.0, `disk = virtio:FILE`)
 * through its capabilities, sets up one split virtqueue in the guest's RAM
 * and moves 4 KiB blocks, with up to VIRTIO_BLK_DRIVER_DEPTH requests in
 * flight. It polls the used ring: no interrupts.
 */
#ifndef GUESTS_LIB_VIRTIO_BLK_H
#define GUESTS_LIB_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_BLK_DRIVER_DEPTH 32
#define VIRTIO_BLK_BLOCK        4096u

/* Finds and starts the device; false (with a line saying why) when there is
 * none or it refuses the driver. */
bool virtio_blk_start(void);

/* Sectors of 512 bytes the disk has. */
uint64_t virtio_blk_sectors(void);

/* Queues a 4 KiB read or write of `buffer` at `sector`; false when
 * VIRTIO_BLK_DRIVER_DEPTH requests are in flight already. */
bool virtio_blk_queue(uint64_t sector, void *buffer, bool write);

/* Tells the device about the queued requests: one notification (one
 * exit) for all of them. */
void virtio_blk_notify(void);

/* Waits until every request is done; returns how many of them failed. */
unsigned virtio_blk_wait_all(void);

/* A flush, waited for; false when the device refused it. */
bool virtio_blk_flush(void);

/* MMIO accesses (each one exit) the driver made so far. */
uint64_t virtio_blk_register_accesses(void);

/*
 * For guests that test the device's defences, with none of the driver's
 * own requests in flight: copies `count` descriptors as they are to the
 * start of the table, makes `head` available (any value) and notifies;
 * then waits up to `ticks` for `answers` used entries and returns how many
 * came, each with its length in lengths[]. skip moves the available index
 * by `steps` more, with nothing behind them: a driver that lies.
 */
struct virtq_desc;
unsigned virtio_blk_raw_request(const struct virtq_desc *descs, unsigned count, uint16_t head,
                                unsigned answers, uint32_t *lengths, uint64_t ticks);
void virtio_blk_skip_available(uint16_t steps);

/* The device status register (0x40: the device needs a reset). */
uint8_t virtio_blk_device_status(void);

#endif
