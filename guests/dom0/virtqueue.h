/*
 * The device side of a split virtqueue in a served partition's RAM. The
 * partition is hostile: the walker reaches its RAM only through a
 * guest_ram_access (copies), copies every ring entry and descriptor once and
 * checks the copy before using it, and hands the device model a bounded list
 * of segments that lie in the partition's RAM. Notification suppression
 * (used_event / avail_event, VIRTIO_F_EVENT_IDX) is not offered: the rings'
 * flags and event fields are left alone.
 */
#ifndef GUESTS_DOM0_VIRTQUEUE_H
#define GUESTS_DOM0_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/virtio_ring.h"

/* The partition's RAM, as dom0 reaches it. Each call returns false when the
 * range is not wholly in the partition's RAM (or the copy failed). */
struct guest_ram_access {
    void *context;
    bool (*read)(void *context, uint64_t guest_phys, void *buffer, uint32_t length);
    bool (*write)(void *context, uint64_t guest_phys, const void *buffer, uint32_t length);
    bool (*contains)(void *context, uint64_t guest_phys, uint64_t length);
};

/* The most segments one chain may have; the device advertises fewer (seg_max). */
#define VIRTQUEUE_SEGMENTS_MAX 64u

/* Where the driver put the queue, as the transport's registers say. */
struct virtqueue_layout {
    uint32_t size;
    uint64_t desc, avail, used;
};

struct virtqueue {
    struct guest_ram_access ram;
    struct virtqueue_layout layout;
    uint32_t chain_length_limit; /* bytes one chain may describe, in all */
    uint16_t last_avail;         /* the next available entry the device takes */
    uint16_t used_idx;           /* the next used entry the device fills */
    uint16_t published_used_idx; /* what the guest was last shown */
    uint32_t in_flight;          /* chains taken and not yet put */
    bool broken;                 /* the driver broke the ring: set DEVICE_NEEDS_RESET */
};

struct virtqueue_segment {
    uint64_t addr;
    uint32_t length;
    bool device_writable;
};

struct virtqueue_chain {
    uint16_t head; /* the id to put in the used ring */
    uint32_t count;
    uint32_t readable_length, writable_length;
    struct virtqueue_segment segments[VIRTQUEUE_SEGMENTS_MAX];
};

enum virtqueue_take_result {
    VIRTQUEUE_TAKEN,    /* a good chain is in *chain */
    VIRTQUEUE_EMPTY,    /* nothing available */
    VIRTQUEUE_BROKEN,   /* the ring itself is unusable: see virtqueue.broken */
    VIRTQUEUE_BAD_HEAD, /* consumed; the head is out of range, so no id to put */
    /* The chain is refused and consumed: put chain->head with length 0. */
    VIRTQUEUE_BAD_NEXT,       /* a next index out of range */
    VIRTQUEUE_CHAIN_TOO_LONG, /* longer than the queue (a loop) or than the segments */
    VIRTQUEUE_INDIRECT,       /* an indirect table: not offered */
    VIRTQUEUE_READABLE_AFTER_WRITABLE,
    VIRTQUEUE_EMPTY_SEGMENT,    /* a zero length */
    VIRTQUEUE_SEGMENT_OVERFLOW, /* address + length wraps around */
    VIRTQUEUE_SEGMENT_OUTSIDE,  /* not wholly in the partition's RAM */
    VIRTQUEUE_CHAIN_TOO_BIG,    /* more bytes than chain_length_limit */
};

enum virtqueue_setup_result {
    VIRTQUEUE_SETUP_OK,
    VIRTQUEUE_SETUP_BAD_SIZE,      /* 0, not a power of 2, or over VIRTQ_SIZE_MAX */
    VIRTQUEUE_SETUP_MISALIGNED,    /* an area off the alignment the spec requires */
    VIRTQUEUE_SETUP_AREA_OVERFLOW, /* an area wraps around the address space */
};

/* Starts a queue at the driver's layout, both indices at 0. */
enum virtqueue_setup_result virtqueue_setup(struct virtqueue *queue,
                                            const struct guest_ram_access *ram,
                                            const struct virtqueue_layout *layout,
                                            uint32_t chain_length_limit);

/* Takes the next available chain. */
enum virtqueue_take_result virtqueue_take(struct virtqueue *queue, struct virtqueue_chain *chain);

/* Fills the next used element for a taken chain; the guest sees it at the
 * next virtqueue_publish(). False if no chain is in flight or the id is out
 * of range; a failed write breaks the queue. */
bool virtqueue_put(struct virtqueue *queue, uint16_t head, uint32_t written_length);

/* Shows the guest every element put so far, by writing the used idx; a
 * failed write breaks the queue. */
bool virtqueue_publish(struct virtqueue *queue);

#endif
