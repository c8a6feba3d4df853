/*
 * I/O requests: accesses of full partitions that a device model in the
 * privileged partition (the server) emulates. A partition reaches the
 * server only in the ranges its config names (`emulate`), through the
 * forward entries of its device table, and only where the server claimed
 * the range (PCI functions need no claim); elsewhere bare metal answers. The hypervisor keeps the
 * authoritative copy of every request; the server's page only tells it what
 * to do, and its answers come back through HC_IOREQ_COMPLETE, checked
 * against that copy.
 */
#ifndef HV_IOREQ_H
#define HV_IOREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/vcpu.h"
#include "include/bulkhead/hypercall.h"

struct device_model;
struct partition;
struct vcpu;

/* The device-table model that turns an access into a request (or, where
 * the server claims nothing, gives the bare-metal answer). */
extern const struct device_model ioreq_forward_model;

int64_t ioreq_register_server(struct vcpu *caller, uint64_t page);
int64_t ioreq_claim(struct partition *caller, uint64_t first_port, uint64_t count, uint64_t flags);
int64_t ioreq_complete(struct partition *caller, uint64_t slot, uint64_t value, uint64_t sequence);

struct ioreq_copy {
    uint64_t partition_id, address, buffer, length, flags; /* as HC_IOREQ_COPY takes them */
};

/* HC_IOREQ_COPY: the server reaches the RAM of a partition it serves. */
int64_t ioreq_copy(struct partition *caller, const struct ioreq_copy *copy);

/* Whether v serves I/O requests and some wait for it: its HC_BLOCK returns.
 * Only the serving vCPU pays for more than a flag. */
bool ioreq_requests_wait(const struct vcpu *v);

static inline bool ioreq_server_has_work(const struct vcpu *v)
{
    return __atomic_load_n(&v->serves_io, __ATOMIC_ACQUIRE) && ioreq_requests_wait(v);
}

/* In HC_BLOCK, before the server sleeps: spins while polling is on
 * (hv/ioreq_poll.h). */
void ioreq_poll_for_requests(const struct vcpu *v);

static inline void ioreq_server_poll(const struct vcpu *v)
{
    if (__atomic_load_n(&v->serves_io, __ATOMIC_ACQUIRE))
        ioreq_poll_for_requests(v);
}

/* Trace mode (hv/trace.h): the server's HC_BLOCK, called at asleep_since,
 * returned for requests; those posted while it slept are stamped woken. */
void ioreq_trace_server_woken(uint64_t asleep_since);
int64_t ioreq_claim_mmio(struct partition *caller, uint64_t base, uint64_t length, uint64_t flags);
/* Whether the server has claimed any range yet. */
bool ioreq_claims_made(void);

/* Claims lie below the largest guest-physical address EPT can map. */
#define IOREQ_MMIO_LIMIT (1ull << 48)

/* The server restarts: its claims stand and requests wait for it to
 * register again. */
void ioreq_server_suspend(const struct partition *server);

/* The server went away for good: its claims are forgotten and waiting
 * requests get the bare-metal answer. */
void ioreq_server_gone(const struct partition *server);

#endif
