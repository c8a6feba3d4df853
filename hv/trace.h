/*
 * Where the time of an I/O request goes: with BULKHEAD_TRACE defined (the
 * core `make bench` builds for its breakdown) each step of a request is
 * stamped with the TSC and the fastest request, with dom0 awake and with
 * dom0 asleep, is reported when the partition's run ends. Without it every
 * call below is empty and compiles to nothing.
 */
#ifndef HV_TRACE_H
#define HV_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"

enum trace_step {
    TRACE_EXIT,     /* the VM exit reached the hypervisor */
    TRACE_POSTED,   /* the request is in the server's page (the server kicked if asleep) */
    TRACE_WOKEN,    /* the sleeping server's HC_BLOCK returned; 0: it was awake */
    TRACE_ANSWERED, /* the server's HC_IOREQ_COMPLETE came in */
    TRACE_RUNNING,  /* the paused vCPU runs again in the hypervisor */
    TRACE_ENTRY,    /* the VM entry that resumes the guest */
    TRACE_STEPS
};

#ifdef BULKHEAD_TRACE
#define TRACE_ON 1
#else
#define TRACE_ON 0
#endif

struct partition;

static inline void trace_stamp(uint64_t *stamps, enum trace_step step)
{
    if (TRACE_ON)
        stamps[step] = arch_read_tsc();
}

/* A request's stamps are complete: keeps them if it was the fastest yet. */
void trace_record(const uint64_t stamps[TRACE_STEPS]);

/* The vCPU starts to wait for the answer to the request it posted. */
static inline void trace_posted(uint64_t *stamps)
{
    if (!TRACE_ON)
        return;
    trace_stamp(stamps, TRACE_POSTED);
    stamps[TRACE_WOKEN] = 0;
}

/* Before the VM entry: the request the vCPU waited for is complete. */
static inline void trace_before_entry(uint64_t *stamps)
{
    if (!TRACE_ON || !stamps[TRACE_RUNNING])
        return;
    trace_stamp(stamps, TRACE_ENTRY);
    trace_record(stamps);
    stamps[TRACE_RUNNING] = 0;
}

/* Logs the fastest requests since the last report and forgets them. */
void trace_report(const struct partition *p);

#endif
