/*
 * The requests of a virtio block device. A request is a chain: a 16-byte
 * header the driver wrote (type, reserved, sector), the data (read by the
 * device for OUT, written for IN) and one status byte the device writes
 * last. The walker (virtqueue.c) has copied and checked the chain's
 * descriptors; everything here is bounded by the disk's size before the
 * store is touched, and a request that does not fit is answered IOERR.
 * Data moves between the chain and an image in memory directly, and
 * between the chain and a disk through a buffer of BOUNCE_SECTORS sectors,
 * a piece at a time.
 */
#include "guests/dom0/virtio_blk.h"

#define BOUNCE_SECTORS 128u /* 64 KiB: a segment of size_max */

static const char disk_id[VIRTIO_BLK_ID_BYTES] = "bulkhead-virtio-blk";
static uint8_t bounce[BOUNCE_SECTORS * VIRTIO_BLK_SECTOR];

/* Moves `length` bytes between `bytes` and the chain's readable or
 * writable segments, from byte `skip` of them on. */
static bool chain_copy(const struct virtqueue *queue, const struct virtqueue_chain *chain,
                       bool writable, uint64_t skip, uint8_t *bytes, uint64_t length)
{
    const struct guest_ram_access *ram = &queue->ram;

    for (uint32_t i = 0; i < chain->count && length; i++) {
        const struct virtqueue_segment *s = &chain->segments[i];
        if (s->device_writable != writable)
            continue;
        if (skip >= s->length) {
            skip -= s->length;
            continue;
        }
        uint32_t part = (uint32_t)(s->length - skip < length ? s->length - skip : length);
        bool moved = writable ? ram->write(ram->context, s->addr + skip, bytes, part)
                              : ram->read(ram->context, s->addr + skip, bytes, part);
        if (!moved)
            return false;
        bytes += part;
        length -= part;
        skip = 0;
    }
    return length == 0;
}

/* The sectors [sector, sector + bytes / 512) lie in the disk. */
static bool in_disk(const struct disk_store *disk, uint64_t sector, uint64_t bytes)
{
    return bytes % VIRTIO_BLK_SECTOR == 0 && sector <= disk->sectors &&
           bytes / VIRTIO_BLK_SECTOR <= disk->sectors - sector;
}

/* Moves `bytes` between the store from `sector` on and the chain's data
 * segments (writable ones for IN, the readable ones after the header for
 * OUT). */
static bool move_data(const struct virtqueue *queue, const struct virtqueue_chain *chain,
                      const struct disk_store *disk, uint64_t sector, uint32_t bytes, bool in)
{
    uint64_t skip = in ? 0 : sizeof(struct virtio_blk_request_header);

    /* An image in dom0's memory: straight between the chain and its sectors. */
    if (disk->memory)
        return chain_copy(queue, chain, in, skip, disk->memory + sector * VIRTIO_BLK_SECTOR, bytes);

    for (uint32_t done = 0; done < bytes;) {
        uint32_t part = bytes - done < sizeof(bounce) ? bytes - done : (uint32_t)sizeof(bounce);
        uint32_t count = part / VIRTIO_BLK_SECTOR;
        uint64_t at = sector + done / VIRTIO_BLK_SECTOR;
        bool moved = in ? disk->read(disk->context, at, count, bounce) &&
                              chain_copy(queue, chain, true, skip + done, bounce, part)
                        : chain_copy(queue, chain, false, skip + done, bounce, part) &&
                              disk->write(disk->context, at, count, bounce);
        if (!moved)
            return false;
        done += part;
    }
    return true;
}

/* Runs one request; *written gets the data bytes put in the chain. */
static uint8_t run_request(const struct virtqueue *queue, const struct virtqueue_chain *chain,
                           const struct disk_store *disk, uint32_t *written)
{
    struct virtio_blk_request_header header;
    uint32_t data_in = chain->writable_length - 1;
    uint32_t data_out = chain->readable_length - (uint32_t)sizeof(header);

    *written = 0;
    if (!chain_copy(queue, chain, false, 0, (uint8_t *)&header, sizeof(header)))
        return VIRTIO_BLK_S_IOERR;
    switch (header.type) {
    case VIRTIO_BLK_T_IN:
        if (!in_disk(disk, header.sector, data_in) ||
            !move_data(queue, chain, disk, header.sector, data_in, true))
            return VIRTIO_BLK_S_IOERR;
        *written = data_in;
        return VIRTIO_BLK_S_OK;
    case VIRTIO_BLK_T_OUT:
        if (!in_disk(disk, header.sector, data_out) ||
            !move_data(queue, chain, disk, header.sector, data_out, false))
            return VIRTIO_BLK_S_IOERR;
        return VIRTIO_BLK_S_OK;
    case VIRTIO_BLK_T_FLUSH:
        return disk->flush(disk->context) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
    case VIRTIO_BLK_T_GET_ID: {
        uint32_t length = data_in < VIRTIO_BLK_ID_BYTES ? data_in : VIRTIO_BLK_ID_BYTES;
        if (!chain_copy(queue, chain, true, 0, (uint8_t *)disk_id, length))
            return VIRTIO_BLK_S_IOERR;
        *written = length;
        return VIRTIO_BLK_S_OK;
    }
    default:
        return VIRTIO_BLK_S_UNSUPP;
    }
}

/* The status byte goes last, after the data; the used length counts it. */
static uint32_t serve_chain(const struct virtqueue *queue, const struct virtqueue_chain *chain,
                            const struct disk_store *disk)
{
    uint32_t written;
    uint8_t status;

    if (chain->writable_length < 1)
        return 0; /* nowhere to put a status: the driver learns nothing */
    status = chain->readable_length < sizeof(struct virtio_blk_request_header)
                 ? VIRTIO_BLK_S_IOERR
                 : run_request(queue, chain, disk, &written);
    if (status != VIRTIO_BLK_S_OK)
        written = 0;
    if (!chain_copy(queue, chain, true, chain->writable_length - 1, &status, 1))
        return written;
    return written + 1;
}

struct virtio_blk_counts virtio_blk_serve(struct virtqueue *queue, const struct disk_store *disk)
{
    static struct virtqueue_chain chain;
    struct virtio_blk_counts counts = {0, 0};

    for (uint32_t taken = 0; taken < queue->layout.size; taken++) {
        enum virtqueue_take_result result = virtqueue_take(queue, &chain);
        if (result == VIRTQUEUE_EMPTY || result == VIRTQUEUE_BROKEN)
            break;
        if (result == VIRTQUEUE_BAD_HEAD) {
            counts.refused++;
        } else if (result != VIRTQUEUE_TAKEN) {
            virtqueue_put(queue, chain.head, 0);
            counts.refused++;
        } else {
            virtqueue_put(queue, chain.head, serve_chain(queue, &chain, disk));
            counts.served++;
        }
    }
    if (counts.served + counts.refused)
        virtqueue_publish(queue);
    return counts;
}
