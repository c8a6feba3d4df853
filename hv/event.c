#include "hv/event.h"

#include "hv/arch.h"
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

/* Under the lock: where a send on `port` of `self` goes. */
static int64_t send_target(struct partition *self, uint64_t port, struct partition **target,
                           unsigned *target_port)
{
    struct event_port *p = port_of(self, port);

    *target = self;
    *target_port = (unsigned)port;
    if (!p)
        return HC_ENOENT;
    if (p->peer) {
        *target = partition_by_id(p->peer);
        *target_port = p->peer_port;
        return *target ? 0 : HC_ENOENT;
    }
    return p->offered_to ? HC_ENOENT : 0; /* offered, but nobody has connected yet */
}

/* Under the lock: the bucket is empty, the send waits on its port. */
static void defer_send(struct partition *self, unsigned port)
{
    self->events.deferred |= 1ull << port;
    self->events.release_at = rate_limit_next_unit(&self->events.sends);
}

int64_t event_send(struct partition *self, uint64_t port)
{
    struct partition *target;
    unsigned target_port;

    spin_lock(&events_lock);
    int64_t result = send_target(self, port, &target, &target_port);
    bool now = result == 0 && rate_limit_take(&self->events.sends, arch_read_tsc(), 1);
    if (result == 0 && !now)
        defer_send(self, (unsigned)port);
    spin_unlock(&events_lock);
    if (now)
        event_raise(target, target_port);
    return result;
}

void event_limit_sends(struct partition *p, uint64_t tsc_hz)
{
    if (!partition_is_privileged(p))
        rate_limit_init(&p->events.sends, EVENT_SENDS_PER_SECOND, EVENT_SENDS_BURST, tsc_hz);
}

uint64_t event_deferred_deadline(const struct partition *p)
{
    return p->events.deferred ? p->events.release_at : 0;
}

/* A kept send goes where its port leads now; an unbound port drops it. */
static void send_deferred(struct partition *self, unsigned port)
{
    struct partition *target;
    unsigned target_port;

    spin_lock(&events_lock);
    int64_t result = send_target(self, port, &target, &target_port);
    spin_unlock(&events_lock);
    if (result == 0)
        event_raise(target, target_port);
}

/* All the kept sends together take one token: they are one notification
 * late, not one each. */
void event_release_deferred(struct partition *p, uint64_t now)
{
    uint64_t ports = 0;

    if (!p->events.deferred || now < p->events.release_at)
        return;
    spin_lock(&events_lock);
    if (p->events.deferred && rate_limit_take(&p->events.sends, now, 1)) {
        ports = p->events.deferred;
        p->events.deferred = 0;
    } else if (p->events.deferred) {
        p->events.release_at = rate_limit_next_unit(&p->events.sends);
    }
    spin_unlock(&events_lock);
    for (unsigned i = 0; i < HC_EVENT_PORTS; i++) {
        if (ports & (1ull << i))
            send_deferred(p, i);
    }
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
    p->events.deferred = 0;
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
