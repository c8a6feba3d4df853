/*
 * A partition's table of emulated devices. Each entry claims a range in one
 * address space (I/O ports, guest-physical MMIO, MSRs, or the configuration
 * space of PCI functions on the partition's virtual bus) and carries the
 * model that answers it, with the model's state. Port, MMIO and MSR exits
 * and PCI configuration cycles look the address up here and call the model;
 * what no entry claims reaches the bare-metal entry (all ones, counted).
 * Forwarding to the I/O server (hv/ioreq.c) is one more model.
 *
 * The table is filled when the partition is built and only read after, so
 * the exit path takes no lock and allocates nothing: a scan of the few
 * entries of one space.
 */
#ifndef HV_DEVICE_MODEL_H
#define HV_DEVICE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

enum device_space {
    DEVICE_SPACE_PORT = 0,
    DEVICE_SPACE_MMIO,
    DEVICE_SPACE_MSR,
    DEVICE_SPACE_PCI, /* address: bus << 16 | device << 11 | function << 8 | offset */
    DEVICE_SPACE_COUNT
};

/* The PCI-space address of a function's configuration register. */
#define DEVICE_PCI_ADDRESS(bus, slot, function, offset)                                            \
    ((uint64_t)(bus) << 16 | (uint64_t)(slot) << 11 | (uint64_t)(function) << 8 | (offset))
#define DEVICE_PCI_CONFIG_SIZE 256

/* One access as the exit handler decoded it. */
struct device_access {
    enum device_space space;
    uint64_t address;
    unsigned size; /* bytes: 1, 2 or 4 (8 for an MSR) */
    bool write;
    uint64_t value;     /* the value written, or the value read once done */
    uint32_t rep_count; /* ports: what struct hc_ioreq's rep_count says, else 0 */
    uint32_t count;     /* ports: a block of a REP INS/OUTS, these many elements */
    uint64_t buffer;    /* at this guest-physical address (only with count) */
};

enum device_result {
    DEVICE_DONE = 0,
    DEVICE_STOP_VCPU, /* the vCPU must leave the guest (exit port, a stop meanwhile) */
    DEVICE_REFUSED,   /* no such register (an MSR): the guest gets #GP */
    DEVICE_NO_MODEL,  /* an MSR no model claims: the CPU's own, for the exit handler */
};

struct device_model {
    const char *name;
    enum device_result (*access)(struct vcpu *vcpu, void *state, struct device_access *access);
};

struct device_claim {
    uint64_t first, last; /* inclusive */
    const struct device_model *model;
    void *state;
};

#define DEVICE_CLAIMS_PER_SPACE 32 /* a full PC platform takes about 20 ports */

struct device_table {
    unsigned counts[DEVICE_SPACE_COUNT];
    struct device_claim claims[DEVICE_SPACE_COUNT][DEVICE_CLAIMS_PER_SPACE];
};

/* Reads all ones, drops writes, counts the access in the partition's
 * unowned_accesses; for an MSR it leaves the answer to the CPU's own. */
extern const struct device_model device_bare_metal;

void device_table_clear(struct device_table *table);

/* Adds a claim of `count` addresses from `first`. False when the space's
 * table is full or the range is empty or wraps. */
bool device_table_claim(struct device_table *table, enum device_space space, uint64_t first,
                        uint64_t count, const struct device_model *model, void *state);

/* The claim of a lookup that finds none. */
extern const struct device_claim device_unclaimed;

/* The claim that covers [address, address + size), the earliest added
 * first; the bare-metal entry when none does. Never 0. Inline, as the
 * lookup below: every port, MMIO and MSR exit takes it. */
static inline const struct device_claim *device_table_find(const struct device_table *table,
                                                           enum device_space space,
                                                           uint64_t address, unsigned size)
{
    uint64_t last = address + (size - 1);
    const struct device_claim *claim = table->claims[space];

    for (unsigned i = table->counts[space]; i; i--, claim++) {
        if (address >= claim->first && last <= claim->last && last >= address)
            return claim;
    }
    return &device_unclaimed;
}

/* Looks the access up and lets the claiming model answer it. A port or
 * MSR access belongs to the model of its (first) address, which answers
 * any bytes beyond as it can; MMIO and PCI bytes must all be its. */
static inline enum device_result device_table_access(const struct device_table *table,
                                                     struct vcpu *vcpu,
                                                     struct device_access *access)
{
    bool whole = access->space == DEVICE_SPACE_MMIO || access->space == DEVICE_SPACE_PCI;
    const struct device_claim *claim =
        device_table_find(table, access->space, access->address, whole ? access->size : 1);

    return claim->model->access(vcpu, claim->state, access);
}

/* The answer of a read nobody models: all ones in `size` bytes. */
uint64_t device_all_ones(unsigned size);

#endif
