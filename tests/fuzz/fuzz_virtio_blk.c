/*
 * libFuzzer harness for dom0's virtio block requests (guests/dom0/
 * virtio_blk.c) over the real virtqueue walker: the input is the queue size
 * code, the sector count of the disk, and the partition's RAM, which holds
 * the rings, the descriptors, the headers and the buffers as a hostile
 * driver wrote them. Whatever the bytes: the device touches the image only
 * inside the disk, the guest's RAM only inside the RAM, and every used
 * entry it publishes names a descriptor of the table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guests/dom0/virtio_blk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_SIZE    0x2000u
#define DESC        0x0000u /* up to 128 descriptors */
#define AVAIL       0x0800u
#define USED        0x0a00u /* buffers from 0x0e10 on */
#define HEADER_SIZE 2u
#define MAX_SECTORS 16u

#define FAKE_RAM_SIZE RAM_SIZE
#include "tests/fake_guest_ram.h"

/* The image with a guard sector on each side that must stay untouched. */
static uint8_t image[(MAX_SECTORS + 2) * VIRTIO_BLK_SECTOR];
static struct virtqueue queue;

static bool guards_intact(void)
{
    for (unsigned i = 0; i < VIRTIO_BLK_SECTOR; i++) {
        if (image[i] != 0x5a || image[sizeof(image) - 1 - i] != 0x5a)
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER_SIZE)
        return 0;
    uint32_t queue_size = 1u << (data[0] % 8); /* 1 to 128 */
    struct disk_store disk =
        disk_store_memory(image + VIRTIO_BLK_SECTOR, data[1] % (MAX_SECTORS + 1));
    struct virtqueue_layout layout = {queue_size, DESC, AVAIL, USED};

    memset(fake_ram, 0, sizeof(fake_ram));
    memcpy(fake_ram, data + HEADER_SIZE,
           size - HEADER_SIZE < sizeof(fake_ram) ? size - HEADER_SIZE : sizeof(fake_ram));
    memset(image, 0x5a, sizeof(image));
    if (virtqueue_setup(&queue, &fake_ram_access, &layout, 1u << 16) != VIRTQUEUE_SETUP_OK)
        abort();
    for (unsigned round = 0; round < 3 && !queue.broken; round++)
        virtio_blk_serve(&queue, &disk);
    if (!guards_intact())
        abort();
    /* The entries the device filled: from 0, as its own index says (the
     * ring's bytes beyond them are the driver's garbage). */
    for (uint16_t i = 0; i < queue.used_idx && i < queue_size; i++) {
        struct virtq_used_elem e;
        memcpy(&e, fake_ram + USED + VIRTQ_USED_RING_OFFSET + i * sizeof(e), sizeof(e));
        if (e.id >= queue_size)
            abort();
    }
    return 0;
}
