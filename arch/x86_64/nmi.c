#include "arch/x86_64/nmi.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/partition.h"
#include "hv/platform_nmi.h"

void nmi_handle_root(void);

static volatile bool machine_halting;

/* Where the NMI found this CPU: in a partition's guest, in the hypervisor.
 * An NMI inside the hypervisor may have interrupted the log's owner on
 * this CPU: the log lets its owner in again, so the line still comes. */
static void nmi_arrived(const char *running, bool may_wake)
{
    struct percpu *cpu = this_cpu();

    if (__atomic_load_n(&machine_halting, __ATOMIC_ACQUIRE))
        cpu_stop();
    uint64_t seen = __atomic_add_fetch(&cpu->nmis, 1, __ATOMIC_RELAXED);
    const char *taker = platform_nmi_raised(may_wake);
    if (taker)
        log_line("cpu%u: NMI %llu while %s ran: passed to %s", cpu->index, (unsigned long long)seen,
                 running, taker);
    else
        log_line("cpu%u: NMI %llu while %s ran: no partition owns the platform, counted",
                 cpu->index, (unsigned long long)seen, running);
}

/* From isr.asm, on the NMI's own stack: IRETQ follows. */
void nmi_handle_root(void)
{
    nmi_arrived("the hypervisor", false);
}

int nmi_exit(struct vcpu *vcpu)
{
    nmi_arrived(vcpu->partition ? partition_name(vcpu->partition) : "the probe guest", true);
    cpu_iret_to_self();
    return 1;
}

void arch_send_nmi(unsigned cpu)
{
    if (cpu < MAX_CPUS && percpus[cpu].self)
        lapic_send_nmi(percpus[cpu].apic_id);
}

uint64_t arch_nmis_taken(unsigned cpu)
{
    return cpu < MAX_CPUS ? __atomic_load_n(&percpus[cpu].nmis, __ATOMIC_ACQUIRE) : 0;
}

void nmi_halt_machine(void)
{
    unsigned self = this_cpu()->index;

    __atomic_store_n(&machine_halting, true, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < MAX_CPUS; i++) {
        if (i != self && percpus[i].self)
            lapic_send_nmi(percpus[i].apic_id);
    }
    cpu_stop();
}
