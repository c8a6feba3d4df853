/* This CPU: its per-CPU data, and stopping it. Nothing here calls into the
 * core, so the core's log can ask which CPU it runs on. */
#include "arch/x86_64/percpu.h"

#include "arch/x86_64/cpu.h"
#include "hv/arch.h"

struct percpu percpus[MAX_CPUS];

struct percpu *this_cpu(void)
{
    return (struct percpu *)cpu_read_gs_pointer();
}

unsigned arch_cpu_index(void)
{
    return this_cpu()->index;
}

void arch_halt_forever(void)
{
    cpu_stop();
}
