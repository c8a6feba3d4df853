/*
 * Event channels: ports a partition binds to an interrupt vector of one of
 * its vCPUs, and two-way channels between ports of two partitions. Raising
 * a port injects its vector into that vCPU (waking it from HLT or
 * HC_BLOCK); a masked port remembers one pending event instead. Sends are
 * never lost, but several may arrive as one interrupt.
 *
 * A partition's sends draw on a token bucket (EVENT_SENDS_*): once it is
 * empty, a send is kept on the sending port and goes out, one for all kept
 * there, when the bucket has a token again. So a partition that sends in a
 * loop costs the receiver a bounded number of interrupts a second.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/rate_limit.h"
#include "include/bulkhead/hypercall.h"

struct partition;

struct event_port {
    bool bound;
    uint8_t vector;
    uint16_t vcpu;       /* the vCPU that takes the interrupt */
    uint32_t offered_to; /* the partition that may connect to it, 0 = none */
    uint32_t peer;       /* the other end's partition, 0 = unconnected */
    uint16_t peer_port;
    bool console; /* the console ring's port, kept by the hypervisor */
    volatile bool masked, pending;
};

struct event_table {
    struct event_port ports[HC_EVENT_PORTS];
    struct rate_limit sends;
    volatile uint64_t deferred;   /* bit n: a send on port n waits for a token */
    volatile uint64_t release_at; /* TSC at which the bucket has one again */
};

/* Sends a partition may make in a burst, and a second after that. A
 * backend needs one event per batch it takes (the pv console asks for one
 * only when it waits), so the burst covers every exchange the pv guests
 * make and the rate is far above what any of them needs; yet the receiver
 * of a partition that sends in a loop spends only a few percent of its CPU
 * on the interrupts (a few thousand instructions each). */
#define EVENT_SENDS_BURST      1024
#define EVENT_SENDS_PER_SECOND 2000

/* Sets up the partition's bucket; the privileged partition's sends are not
 * limited (it serves the others). */
void event_limit_sends(struct partition *p, uint64_t tsc_hz);

/* The TSC at which the partition's kept sends may go out, 0 if none waits;
 * its vCPUs call event_release_deferred() on their way into the guest. */
uint64_t event_deferred_deadline(const struct partition *p);
void event_release_deferred(struct partition *p, uint64_t now);

int64_t event_bind(struct partition *self, unsigned vcpu, uint64_t vector, uint64_t peer_id);
int64_t event_connect(struct partition *self, unsigned vcpu, uint64_t peer_id, uint64_t peer_port,
                      uint64_t vector);
int64_t event_send(struct partition *self, uint64_t port);
int64_t event_unbind(struct partition *self, uint64_t port);
int64_t event_set_mask(struct partition *self, uint64_t port, bool masked);

/* Raises one of the partition's own ports (the one-shot timer uses it). */
void event_raise(struct partition *owner, unsigned port);

/* The port a pv partition notifies its console backend on: the last one,
 * so that the ports a guest binds itself keep their numbers. */
#define EVENT_CONSOLE_PORT (HC_EVENT_PORTS - 1)

/* Connects the partition's console port (made send-only if it is free) to
 * the backend's port; backend 0 closes it. A port the guest took for
 * something else is left alone. */
void event_console_attach(struct partition *p, const struct partition *backend,
                          unsigned backend_port);

/* Closes every port of the partition (it restarts or goes away); the other
 * ends of its channels are left unconnected. */
void event_close_all(struct partition *p);

#endif
