#include "drivers/pm_timer.h"

#include "arch/x86_64/cpu.h"

void pm_timer_init(struct pm_timer *timer, uint16_t port, bool wide)
{
    timer->port = port;
    timer->mask = wide ? 0xffffffffull : 0xffffffull;
}

uint64_t pm_timer_read(const struct pm_timer *timer)
{
    return cpu_inl(timer->port) & timer->mask;
}
