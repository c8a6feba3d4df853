/* A virtual CPU: what the core keeps of it, and its architecture part. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"
#include "hv/trace.h"

enum vcpu_state {
    VCPU_RUNNING = 0,
    VCPU_HALTED,    /* the guest halted: done */
    VCPU_STOPPED,   /* ended cleanly: exit port, time limit */
    VCPU_CRASHED,   /* stopped by the hypervisor after a fault or unhandled exit */
    VCPU_WAIT_SIPI, /* a secondary vCPU before its start signal, or after a reset */
};

struct partition;

struct vcpu {
    unsigned cpu_index;          /* the physical CPU it is pinned to */
    unsigned index;              /* within its partition */
    struct partition *partition; /* 0 for the probe guest */
    bool pv;                     /* the partition's mode, for the exit path */
    enum vcpu_state state;
    volatile uint64_t ept_generation_seen; /* see partition_flush_ept() */
    volatile uint32_t work;                /* see vcpu_note_work() */
    volatile bool blocked;                 /* asleep in HC_BLOCK or HLT: needs a kick */
    bool serves_io;                        /* the I/O server's vCPU (hv/ioreq.c) */
    uint64_t exits_total;
    uint64_t trace[TRACE_STEPS]; /* hv/trace.h: the steps of its last I/O request */
    struct vcpu_arch arch;
};

/* Whoever changes what a vCPU must act on before its next entry (an
 * interrupt, a stop, a deadline, a stale translation) says so here, after
 * the change: while the word is clear, the entry path looks at nothing
 * else. The entry path clears it before it looks, so nothing is missed. */
static inline void vcpu_note_work(struct vcpu *v)
{
    __atomic_store_n(&v->work, 1, __ATOMIC_RELEASE);
}

static inline bool vcpu_has_work(const struct vcpu *v)
{
    return __atomic_load_n(&v->work, __ATOMIC_RELAXED) != 0;
}

static inline bool vcpu_take_work(struct vcpu *v)
{
    return __atomic_exchange_n(&v->work, 0, __ATOMIC_ACQ_REL) != 0;
}

#endif
