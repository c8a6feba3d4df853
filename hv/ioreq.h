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

#include "include/bulkhead/hypercall.h"

struct device_model;
struct partition;
struct vcpu;

/* The device-table model that turns an access into a request (or, where
 * the server claims nothing, gives the bare-metal answer). */
extern const struct device_model ioreq_forward_model;

int64_t ioreq_register_server(struct vcpu *caller, uint64_t page);
int64_t ioreq_claim(struct partition *caller, uint64_t first_port, uint64_t count);
int64_t ioreq_complete(struct partition *caller, uint64_t slot, uint64_t value, uint64_t sequence);

/* Whether v serves I/O requests and some wait for it: its HC_BLOCK returns. */
bool ioreq_server_has_work(const struct vcpu *v);
int64_t ioreq_claim_mmio(struct partition *caller, uint64_t base, uint64_t length);

/* Claims lie below the largest guest-physical address EPT can map. */
#define IOREQ_MMIO_LIMIT (1ull << 48)

/* Whether a running server models this port. */
bool ioreq_port_claimed(uint16_t port);
/* Whether [address, address + size) lies wholly in a claimed MMIO range. */
bool ioreq_mmio_claimed(uint64_t address, unsigned size);

/* Hands the access to the server and waits for its answer; *value is the
 * value written (out) or receives the value read (in); rep_count as in
 * struct hc_ioreq. Returns false when the vCPU has to stop meanwhile. */
bool ioreq_forward(struct vcpu *vcpu, uint16_t port, unsigned size, bool out, uint32_t *value,
                   uint32_t rep_count);
/* The same for a load or store of 1, 2 or 4 bytes at a claimed address. */
bool ioreq_forward_mmio(struct vcpu *vcpu, uint64_t address, unsigned size, bool write,
                        uint32_t *value);

/* The server restarts: its claims stand and requests wait for it to
 * register again. */
void ioreq_server_suspend(const struct partition *server);

/* The server went away for good: its claims are forgotten and waiting
 * requests get the bare-metal answer. */
void ioreq_server_gone(const struct partition *server);

#endif
