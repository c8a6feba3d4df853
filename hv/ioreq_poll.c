#include "hv/ioreq_poll.h"

#include "hv/arch.h"
#include "hv/log.h"
#include "hv/spinlock.h"

static uint64_t window;

static struct {
    uint64_t polls, found, ticks;
} sides[IOREQ_POLL_SIDES];

void ioreq_set_poll(uint64_t ticks)
{
    window = ticks;
}

bool ioreq_poll(bool (*done)(const void *what), const void *what, enum ioreq_poll_side side)
{
    if (!window)
        return false;
    uint64_t start = arch_read_tsc(), now = start;
    while (!done(what) && now - start < window) {
        spin_relax();
        now = arch_read_tsc();
    }
    bool came = done(what);
    __atomic_add_fetch(&sides[side].polls, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sides[side].found, came, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sides[side].ticks, now - start, __ATOMIC_RELAXED);
    return came;
}

void ioreq_report_polling(void)
{
    const char *names[IOREQ_POLL_SIDES] = {"server", "waiting vCPUs"};

    for (unsigned side = 0; side < IOREQ_POLL_SIDES; side++) {
        if (!sides[side].polls)
            continue;
        log_line("ioreq: polling %llu ticks, %s: %llu polls, %llu found what they waited for, "
                 "%llu ticks spent",
                 (unsigned long long)window, names[side], (unsigned long long)sides[side].polls,
                 (unsigned long long)sides[side].found, (unsigned long long)sides[side].ticks);
        sides[side].polls = sides[side].found = sides[side].ticks = 0;
    }
}
