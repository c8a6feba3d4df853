/*
 * The ring of posted writes in the I/O server's page (include/bulkhead/
 * hypercall.h), and the hypervisor's own copy of every entry: a server
 * that restarts finds the writes it had not taken in its new page, so none
 * is lost. Counts are absolute (every write ever posted); the page holds
 * write n at entry (n - base) % HC_IOREQ_POSTED. Callers hold the I/O
 * server's lock, except for posted_ring_unread().
 */
#ifndef HV_IOREQ_POSTED_H
#define HV_IOREQ_POSTED_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/guest_memory.h"
#include "include/bulkhead/hypercall.h"

struct posted_ring {
    struct hc_ioreq kept[HC_IOREQ_POSTED]; /* write n at n % HC_IOREQ_POSTED */
    uint64_t total;                        /* writes posted so far */
    uint64_t base;                         /* the write in the page's entry 0 */
    uint64_t untaken;                      /* the first write no server took */
};

/* Where a server's ring lives: its RAM and its request page. */
struct posted_page {
    struct guest_memory memory;
    uint64_t address;
};

/* Appends the write and publishes it; false when the ring is full. */
bool posted_ring_append(struct posted_ring *ring, const struct posted_page *page,
                        const struct hc_ioreq *write);

/* Whether the server has writes it has not taken (it may lie: then it only
 * wakes itself). */
bool posted_ring_unread(const struct posted_ring *ring, const struct posted_page *page);

/* The server leaves (to restart): what it took stays taken. */
void posted_ring_server_left(struct posted_ring *ring, const struct posted_page *page);

/* A server registers a page: the writes no server took fill its ring. */
void posted_ring_move_to(struct posted_ring *ring, const struct posted_page *page);

/* The server is gone for good: nobody will take what is left. */
void posted_ring_drop(struct posted_ring *ring);

#endif
