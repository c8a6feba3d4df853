/* The hypervisor side of include/bulkhead/hypercall.h. */
#ifndef HV_HYPERCALL_DISPATCH_H
#define HV_HYPERCALL_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/guest_memory.h"
#include "include/bulkhead/hypercall.h"

struct partition;
struct vcpu;

struct hypercall_caller {
    struct vcpu *vcpu;
    struct partition *partition;
    struct guest_memory memory;
};

/* Runs call `number` with its six arguments for the caller; returns what
 * goes back in RAX. Unknown numbers, privileged calls from unprivileged
 * partitions and bad arguments get an HC_E* error, never more. */
int64_t hypercall_dispatch(struct hypercall_caller *caller, uint64_t number,
                           const uint64_t args[6]);

/* The calls that read no argument and no state answer here, before the
 * exit path builds a caller for them: false for every other call. */
static inline bool hypercall_answer_plain(uint64_t number, int64_t *answer)
{
    if (number == HC_NULL)
        *answer = 0;
    else if (number == HC_VERSION)
        *answer = HC_ABI_VERSION;
    return number == HC_NULL || number == HC_VERSION;
}

#endif
