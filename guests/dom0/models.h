/*
 * dom0's device models. Each serves one range of ports or guest-physical
 * addresses, which dom0 claims from the hypervisor, for every full
 * partition whose config names it (`emulate`), with a state of its own per
 * partition. A new model is one file that defines a struct dom0_model and
 * one line in the table of models.c.
 */
#ifndef GUESTS_DOM0_MODELS_H
#define GUESTS_DOM0_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/bulkhead/hypercall.h"

#define MODEL_MAX_PARTITION 8 /* partition ids 1..8 have a state */

struct dom0_model {
    uint32_t kind;         /* HC_IOREQ_PORT, HC_IOREQ_MMIO or HC_IOREQ_PCI_CONFIG */
    uint64_t base;         /* its first port or guest-physical address */
    uint64_t claim_length; /* what dom0 claims from base: ports, or MMIO bytes */
    unsigned registers;    /* the offsets from base that answer; others are refused */
    unsigned irq; /* its interrupt line (HC_IRQ_LINE); models on one line share their state */
    /* Bit n: a write to port base + n has no effect the guest could see at
     * once (no interrupt, no status), so it is posted and the vCPU does
     * not wait for it. An MMIO range is posted as a whole: non-zero posts
     * every write to it (a doorbell). */
    uint32_t posted_writes;
    void *states; /* MODEL_MAX_PARTITION + 1 of them, by partition id */
    size_t state_size;
    void (*reset)(void *state);
    /* An access of `size` (1, 2 or 4) bytes at `offset`: reads return the value. */
    uint32_t (*read)(void *state, unsigned offset, unsigned size);
    void (*write)(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                  unsigned size);
    bool (*interrupt_line)(const void *state);
};

/* Claims every model's range (HC_IOREQ_CLAIM, HC_IOREQ_CLAIM_MMIO); false
 * when the hypervisor refuses one. */
bool models_claim(void);

/* Every model's state for every partition as at power-on. */
void models_reset(void);

/* One request, on a private copy: *value gets what a read returns. False
 * when no model serves it (nothing is changed then). */
bool models_serve(const struct hc_ioreq *request, uint32_t *value);

/* The state of `model` for the partition, and the note that it changed
 * outside a request (input arrived), so its interrupt line is looked at. */
void *model_state(const struct dom0_model *model, uint32_t partition_id);
void model_state_changed(const struct dom0_model *model, uint32_t partition_id);

#endif
