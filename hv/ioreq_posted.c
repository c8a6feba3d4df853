#include "hv/ioreq_posted.h"

#include <stddef.h>

static uint64_t *page_head(const struct posted_page *page)
{
    return guest_shared_word(&page->memory,
                             page->address + offsetof(struct hc_ioreq_page, posted_head));
}

/* The first write the server has not taken, as its copy of the tail says,
 * kept within what the ring can hold. */
static uint64_t first_untaken(const struct posted_ring *ring, const struct posted_page *page)
{
    uint64_t tail = 0;

    guest_copy_from(&page->memory, &tail,
                    page->address + offsetof(struct hc_ioreq_page, posted_tail), sizeof(tail));
    uint64_t first = ring->base + tail;
    if (first > ring->total || ring->total - first > HC_IOREQ_POSTED)
        return ring->total - (ring->total - ring->base < HC_IOREQ_POSTED ? ring->total - ring->base
                                                                         : HC_IOREQ_POSTED);
    return first;
}

static bool put(const struct posted_page *page, uint64_t entry, const struct hc_ioreq *write)
{
    uint64_t at = page->address + offsetof(struct hc_ioreq_page, posted) +
                  entry % HC_IOREQ_POSTED * sizeof(*write);

    return guest_copy_to(&page->memory, at, write, sizeof(*write));
}

static void publish(const struct posted_ring *ring, const struct posted_page *page)
{
    uint64_t *head = page_head(page);

    if (head)
        __atomic_store_n(head, ring->total - ring->base, __ATOMIC_SEQ_CST);
}

bool posted_ring_append(struct posted_ring *ring, const struct posted_page *page,
                        const struct hc_ioreq *write)
{
    if (!page_head(page) || ring->total - first_untaken(ring, page) >= HC_IOREQ_POSTED ||
        !put(page, ring->total - ring->base, write))
        return false;
    ring->kept[ring->total % HC_IOREQ_POSTED] = *write;
    __atomic_store_n(&ring->total, ring->total + 1, __ATOMIC_SEQ_CST);
    publish(ring, page);
    return true;
}

bool posted_ring_unread(const struct posted_ring *ring, const struct posted_page *page)
{
    return first_untaken(ring, page) != __atomic_load_n(&ring->total, __ATOMIC_SEQ_CST);
}

void posted_ring_server_left(struct posted_ring *ring, const struct posted_page *page)
{
    ring->untaken = first_untaken(ring, page);
}

void posted_ring_move_to(struct posted_ring *ring, const struct posted_page *page)
{
    ring->base = ring->untaken;
    for (uint64_t n = ring->untaken; n < ring->total; n++)
        put(page, n - ring->base, &ring->kept[n % HC_IOREQ_POSTED]);
    publish(ring, page);
}

void posted_ring_drop(struct posted_ring *ring)
{
    ring->untaken = ring->total;
}
