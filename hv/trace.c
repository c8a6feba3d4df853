#include "hv/trace.h"

#include "hv/log.h"
#include "hv/partition.h"
#include "hv/spinlock.h"

/* The fastest request with the server awake, and with it asleep. */
static struct {
    struct spinlock lock;
    uint64_t best[2][TRACE_STEPS];
    unsigned count;
} traced;

static uint64_t total(const uint64_t stamps[TRACE_STEPS])
{
    return stamps[TRACE_ENTRY] - stamps[TRACE_EXIT];
}

void trace_record(const uint64_t stamps[TRACE_STEPS])
{
    uint64_t *best = traced.best[stamps[TRACE_WOKEN] != 0];

    spin_lock(&traced.lock);
    traced.count++;
    if (!best[TRACE_ENTRY] || total(stamps) < total(best)) {
        for (unsigned step = 0; step < TRACE_STEPS; step++)
            best[step] = stamps[step];
    }
    spin_unlock(&traced.lock);
}

static void report_one(const char *server, const uint64_t stamps[TRACE_STEPS])
{
    if (!stamps[TRACE_ENTRY])
        return;
    uint64_t answered_from = stamps[TRACE_WOKEN] ? stamps[TRACE_WOKEN] : stamps[TRACE_POSTED];
    log_line("trace: I/O request, dom0 %s: exit to posted %llu, posted to woken %llu, to answered "
             "%llu, answered to running %llu, running to entry %llu, total %llu ticks",
             server, (unsigned long long)(stamps[TRACE_POSTED] - stamps[TRACE_EXIT]),
             (unsigned long long)(answered_from - stamps[TRACE_POSTED]),
             (unsigned long long)(stamps[TRACE_ANSWERED] - answered_from),
             (unsigned long long)(stamps[TRACE_RUNNING] - stamps[TRACE_ANSWERED]),
             (unsigned long long)(stamps[TRACE_ENTRY] - stamps[TRACE_RUNNING]),
             (unsigned long long)total(stamps));
}

void trace_report(const struct partition *p)
{
    if (!TRACE_ON || !traced.count)
        return;
    spin_lock(&traced.lock);
    log_line("trace: %u I/O requests of partition %s and before", traced.count, p->config->name);
    report_one("awake", traced.best[0]);
    report_one("asleep", traced.best[1]);
    traced.count = 0;
    for (unsigned step = 0; step < TRACE_STEPS; step++)
        traced.best[0][step] = traced.best[1][step] = 0;
    spin_unlock(&traced.lock);
}
