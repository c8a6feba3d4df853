/* Per-CPU data, found through GS base (its first field points to itself). */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/descriptors.h"

#define MAX_CPUS 256

struct percpu {
    struct percpu *self; /* must stay first: read as %gs:0 */
    uint32_t index;
    uint32_t apic_id;
    int32_t locks_held;            /* hv/spinlock.h counts them here */
    struct vcpu *handling_exit_of; /* the vCPU whose VM exit this CPU handles */
    uint64_t stack_top;
    struct cpu_descriptors descriptors;
    uint64_t vmxon_phys;
    uint64_t nmis; /* NMIs taken (atomic) */
};

#include "hv/spinlock.h"
_Static_assert(__builtin_offsetof(struct percpu, locks_held) == SPIN_HELD_COUNT_OFFSET,
               "hv/spinlock.h counts held locks at SPIN_HELD_COUNT_OFFSET");

extern struct percpu percpus[MAX_CPUS];

struct percpu *this_cpu(void);

/* True when va is a guard page of some CPU's stacks: a fault there is a
 * stack overflow. */
bool stack_guard_contains(uint64_t va);

#endif
