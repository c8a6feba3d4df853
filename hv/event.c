#include "hv/event.h"

#include "hv/partition.h"
#include "hv/spinlock.h"

/* Channels join two partitions' tables: one lock for all of them keeps the
 * two ends consistent without a lock order. Raising happens outside it. */
static struct spinlock events_lock;

#define MIN_VECTOR 32 /* below are exceptions */
#define MAX_VECTOR 255

static struct event_port *port_of(struct partition *p, uint64_t port)
{
    if (port >= HC_EVENT_PORTS || !p->events.ports[port].bound)
        return 0;
    return &p->events.ports[port];
}

static int64_t free_port(struct partition *p)
{
    for (unsigned i = 0; i < HC_EVENT_PORTS; i++) {
        if (!p->events.ports[i].bound)
            return i;
    }
    return HC_ENOSPC;
}

static bool vector_valid(uint64_t vector)
{
    return vector >= MIN_VECTOR && vector <= MAX_VECTOR;
}

int64_t event_bind(struct partition *self, unsigned vcpu, uint64_t vector, uint64_t peer_id)
{
    if (!vector_valid(vector) || peer_id == self->id)
        return HC_EINVAL;
    if (peer_id && !partition_by_id(peer_id))
        return HC_ENOENT;
    spin_lock(&events_lock);
    int64_t port = free_port(self);
    if (port >= 0)
        self->events.ports[port] = (struct event_port){.bound = true,
                                                       .vector = (uint8_t)vector,
                                                       .vcpu = (uint16_t)vcpu,
                                                       .offered_to = (uint32_t)peer_id};
    spin_unlock(&events_lock);
    return port;
}

int64_t event_connect(struct partition *self, unsigned vcpu, uint64_t peer_id, uint64_t peer_port,
                      uint64_t vector)
{
    struct partition *peer = partition_by_id(peer_id);
    int64_t result;

    if (vector && !vector_valid(vector))
        return HC_EINVAL; /* 0: a send-only end */
    if (!peer)
        return HC_ENOENT;
    spin_lock(&events_lock);
    struct event_port *remote = port_of(peer, peer_port);
    result = free_port(self);
    if (!remote)
        result = HC_ENOENT;
    else if (remote->offered_to != self->id)
        result = HC_EPERM;
    else if (remote->peer)
        result = HC_EBUSY;
    if (result >= 0) {
        self->events.ports[result] = (struct event_port){.bound = true,
                                                         .vector = (uint8_t)vector,
                                                         .vcpu = (uint16_t)vcpu,
                                                         .peer = peer->id,
                                                         .peer_port = (uint16_t)peer_port};
        remote->peer = self->id;
        remote->peer_port = (uint16_t)result;
    }
    spin_unlock(&events_lock);
    return result;
}

/* Delivers now, or remembers it for the unmask. What to deliver is read
 * under the lock: a concurrent unbind must not turn into vector 0. */
void event_raise(struct partition *owner, unsigned port)
{
    struct event_port *p = &owner->events.ports[port];
    unsigned vcpu = 0;
    uint8_t vector = 0;

    spin_lock(&events_lock);
    if (p->bound && p->vector && p->masked)
        p->pending = true;
    else if (p->bound && p->vector) {
        vcpu = p->vcpu;
        vector = p->vector;
    }
    spin_unlock(&events_lock);
    if (vector)
        partition_deliver_interrupt(owner, vcpu, vector);
}

int64_t event_send(struct partition *self, uint64_t port)
{
    spin_lock(&events_lock);
    struct event_port *p = port_of(self, port);
    struct partition *target = self;
    unsigned target_port = (unsigned)port;
    int64_t result = 0;

    if (!p)
        result = HC_ENOENT;
    else if (p->peer) {
        target = partition_by_id(p->peer);
        target_port = p->peer_port;
        if (!target)
            result = HC_ENOENT;
    } else if (p->offered_to) {
        result = HC_ENOENT; /* offered, but nobody has connected yet */
    }
    spin_unlock(&events_lock);
    if (result == 0)
        event_raise(target, target_port);
    return result;
}

/* The other end forgets port `index` of `owner`, if it still points here. */
static void disconnect_peer(const struct partition *owner, unsigned index)
{
    const struct event_port *p = &owner->events.ports[index];
    struct partition *peer = p->peer ? partition_by_id(p->peer) : 0;

    if (!peer)
        return;
    struct event_port *other = &peer->events.ports[p->peer_port];
    if (other->peer == owner->id && other->peer_port == index)
        other->peer = 0;
}

int64_t event_unbind(struct partition *self, uint64_t port)
{
    spin_lock(&events_lock);
    struct event_port *p = port_of(self, port);
    if (p) {
        disconnect_peer(self, (unsigned)port);
        *p = (struct event_port){0};
    }
    spin_unlock(&events_lock);
    return p ? 0 : HC_ENOENT;
}

int64_t event_set_mask(struct partition *self, uint64_t port, bool masked)
{
    spin_lock(&events_lock);
    struct event_port *p = port_of(self, port);
    bool found = p != 0;
    uint8_t vector = 0;
    unsigned vcpu = 0;
    if (p) {
        p->masked = masked;
        if (!masked && p->pending && p->vector) {
            vector = p->vector;
            vcpu = p->vcpu;
        }
        p->pending = p->pending && masked;
    }
    spin_unlock(&events_lock);
    if (vector)
        partition_deliver_interrupt(self, vcpu, vector);
    return found ? 0 : HC_ENOENT;
}

void event_close_all(struct partition *p)
{
    spin_lock(&events_lock);
    for (unsigned i = 0; i < HC_EVENT_PORTS; i++) {
        if (p->events.ports[i].bound)
            disconnect_peer(p, i);
        p->events.ports[i] = (struct event_port){0};
    }
    spin_unlock(&events_lock);
}

void event_console_attach(struct partition *p, const struct partition *backend,
                          unsigned backend_port)
{
    spin_lock(&events_lock);
    struct event_port *port = &p->events.ports[EVENT_CONSOLE_PORT];
    if (!port->bound || port->console) {
        *port = (struct event_port){0};
        if (backend)
            *port = (struct event_port){.bound = true,
                                        .console = true,
                                        .peer = backend->id,
                                        .peer_port = (uint16_t)backend_port};
    }
    spin_unlock(&events_lock);
}
