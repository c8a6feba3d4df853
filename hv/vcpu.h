/* A virtual CPU: what the core keeps of it, and its architecture part. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"

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
    enum vcpu_state state;
    volatile uint64_t ept_generation_seen; /* see partition_flush_ept() */
    uint64_t exits_total;
    struct vcpu_arch arch;
};

#endif
