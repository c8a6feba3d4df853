#include "hv/console_server.h"

#include "hv/event.h"
#include "include/bulkhead/guest_abi.h"
#include "hv/memory.h"
#include "hv/partition.h"
#include "hv/spinlock.h"

#define PAGE 4096ull

static struct {
    struct spinlock lock;
    struct partition *backend;                /* 0: none */
    uint64_t window;                          /* in the backend's guest-physical space */
    unsigned port;                            /* the backend's event port */
    uint32_t mapped;                          /* bit n: the ring of partition n is in the window */
    uint32_t destroyed;                       /* bit n: partition n is gone; never map it again */
    uint64_t kept[CONFIG_MAX_PARTITIONS + 1]; /* host page of a destroyed one's ring */
} console;

_Static_assert(CONFIG_MAX_PARTITIONS < 32, "the mapped ids fit a 32-bit mask");

static bool has_ring(const struct partition *p)
{
    return partition_is_pv(p) && !partition_is_privileged(p) && p->kernel_64bit &&
           p->config->console == CONFIG_CONSOLE_DEBUGCON &&
           partition_range_in_ram(p, GUEST_CONSOLE_RING_ADDRESS, PAGE);
}

static volatile struct guest_console_ring *ring_of(const struct partition *p)
{
    return phys_to_virt(p->ram_phys + GUEST_CONSOLE_RING_ADDRESS);
}

static uint64_t slot_of(unsigned id)
{
    return console.window + (id - 1) * PAGE;
}

/* Like a grant mapping: page aligned, inside the grant window. */
static bool window_valid(const struct partition *backend, uint64_t window)
{
    uint64_t size = CONFIG_MAX_PARTITIONS * PAGE;
    uint64_t start = partition_ram_end(backend);
    uint64_t end = start + HC_GRANT_WINDOW_SIZE;

    return !(window % PAGE) && window >= start && window < end && size <= end - window;
}

/* The ring now reaches (or no longer reaches) the backend. The first byte
 * after connecting raises an event. */
static void connect_ring(struct partition *p, bool connected)
{
    volatile struct guest_console_ring *ring = ring_of(p);

    event_console_attach(p, connected ? console.backend : 0, console.port);
    if (connected)
        ring->producer_event = ring->producer + 1;
    ring->backend = connected;
}

static void unmap_all(struct partition *backend)
{
    for (unsigned id = 1; id <= CONFIG_MAX_PARTITIONS; id++) {
        if (console.mapped & (1u << id))
            partition_unmap_foreign(backend, slot_of(id), PAGE);
    }
    console.mapped = 0;
}

/* Every ring there is goes into the window; all or nothing. */
static bool map_all(struct partition *backend)
{
    for (unsigned id = 1; id <= CONFIG_MAX_PARTITIONS; id++) {
        struct partition *p = partition_by_id(id);
        if (!p || (console.destroyed & (1u << id)) || !has_ring(p))
            continue;
        if (!partition_map_foreign(backend, slot_of(id), p, GUEST_CONSOLE_RING_ADDRESS, PAGE,
                                   true)) {
            unmap_all(backend);
            return false;
        }
        console.mapped |= 1u << id;
    }
    return true;
}

int64_t console_register_server(struct partition *caller, uint64_t window, uint64_t port)
{
    if (!window_valid(caller, window))
        return HC_EINVAL;
    if (port >= HC_EVENT_PORTS || !caller->events.ports[port].bound)
        return HC_ENOENT;
    spin_lock(&console.lock);
    int64_t result = console.backend ? HC_EBUSY : 0;
    if (!result) {
        console.window = window;
        console.port = (unsigned)port;
        result = map_all(caller) ? 0 : HC_EBUSY; /* the window overlaps a grant */
    }
    if (!result) {
        console.backend = caller;
        for (unsigned id = 1; id <= CONFIG_MAX_PARTITIONS; id++) {
            if (console.mapped & (1u << id))
                connect_ring(partition_by_id(id), true);
        }
        result = console.mapped;
    }
    spin_unlock(&console.lock);
    if (result == HC_EBUSY)
        partition_flush_ept(caller); /* a partial mapping may have been used */
    return result;
}

int64_t console_release(struct partition *caller, uint64_t id)
{
    uint64_t page = 0;

    if (!id || id > CONFIG_MAX_PARTITIONS)
        return HC_ENOENT;
    spin_lock(&console.lock);
    int64_t result = console.backend != caller           ? HC_EPERM
                     : !(console.mapped & (1u << id))    ? HC_ENOENT
                     : !(console.destroyed & (1u << id)) ? HC_EBUSY
                                                         : 0;
    if (!result) {
        partition_unmap_foreign(caller, slot_of((unsigned)id), PAGE);
        console.mapped &= ~(1u << id);
        page = console.kept[id];
        console.kept[id] = 0;
    }
    spin_unlock(&console.lock);
    /* Freed only once no CPU of the backend can still reach it; kept for
     * good when one did not confirm. */
    if (!result && partition_flush_ept(caller))
        memory_free_pages(page, 1);
    return result;
}

void console_prepare_ring(struct partition *p)
{
    if (!has_ring(p))
        return;
    spin_lock(&console.lock);
    ring_of(p)->producer_event = 1;
    if (console.backend && (console.mapped & (1u << p->id)))
        connect_ring(p, true);
    spin_unlock(&console.lock);
}

void console_server_gone(struct partition *p)
{
    uint64_t pages[CONFIG_MAX_PARTITIONS + 1];
    unsigned count = 0;

    spin_lock(&console.lock);
    if (console.backend != p) {
        spin_unlock(&console.lock);
        return;
    }
    for (unsigned id = 1; id <= CONFIG_MAX_PARTITIONS; id++) {
        struct partition *q = partition_by_id(id);
        if (q && (console.mapped & (1u << id)))
            connect_ring(q, false);
        if (console.kept[id])
            pages[count++] = console.kept[id];
        console.kept[id] = 0;
    }
    /* The backend is not running: its CPUs drop the translations before
     * they enter it again. */
    unmap_all(p);
    console.backend = 0;
    spin_unlock(&console.lock);
    for (unsigned i = 0; i < count; i++)
        memory_free_pages(pages[i], 1);
}

bool console_partition_destroyed(struct partition *p)
{
    spin_lock(&console.lock);
    bool kept = (console.mapped & (1u << p->id)) != 0;
    console.destroyed |= 1u << p->id;
    if (kept)
        console.kept[p->id] = p->ram_phys + GUEST_CONSOLE_RING_ADDRESS;
    spin_unlock(&console.lock);
    return kept;
}
