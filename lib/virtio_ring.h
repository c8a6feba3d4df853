/*
 * The memory layout of a virtio 1.x split virtqueue (virtio spec 2.7): a
 * descriptor table, the driver's available ring and the device's used ring,
 * three areas in the driver's RAM. Shared by dom0's device side and the guest
 * drivers. Every field is little-endian; Bulkhead runs on x86 only, so the
 * structures are used as they are, without byte swapping.
 */
#ifndef LIB_VIRTIO_RING_H
#define LIB_VIRTIO_RING_H

#include <stdint.h>

#define VIRTQ_DESC_F_NEXT     1u /* the chain goes on at `next` */
#define VIRTQ_DESC_F_WRITE    2u /* the device writes this buffer (else it reads it) */
#define VIRTQ_DESC_F_INDIRECT 4u /* the buffer is a table of descriptors */

#define VIRTQ_SIZE_MAX 32768u /* a queue size is a power of 2 up to this */

/* Alignment the spec requires of each area (2.7, table "Virtqueue Part Alignment"). */
#define VIRTQ_DESC_ALIGN  16u
#define VIRTQ_AVAIL_ALIGN 2u
#define VIRTQ_USED_ALIGN  4u

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_used_elem {
    uint32_t id;  /* the head descriptor of the chain */
    uint32_t len; /* bytes the device wrote into the chain */
};

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc is 16 bytes");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem is 8 bytes");

/* The available ring: flags u16, idx u16, ring[size] u16, used_event u16. */
#define VIRTQ_AVAIL_IDX_OFFSET  2u
#define VIRTQ_AVAIL_RING_OFFSET 4u
/* The used ring: flags u16, idx u16, ring[size] of virtq_used_elem, avail_event u16. */
#define VIRTQ_USED_IDX_OFFSET  2u
#define VIRTQ_USED_RING_OFFSET 4u

static inline uint64_t virtq_desc_area_size(uint32_t size)
{
    return (uint64_t)size * sizeof(struct virtq_desc);
}

static inline uint64_t virtq_avail_area_size(uint32_t size)
{
    return VIRTQ_AVAIL_RING_OFFSET + (uint64_t)size * sizeof(uint16_t) + sizeof(uint16_t);
}

static inline uint64_t virtq_used_area_size(uint32_t size)
{
    return VIRTQ_USED_RING_OFFSET + (uint64_t)size * sizeof(struct virtq_used_elem) +
           sizeof(uint16_t);
}

#endif
