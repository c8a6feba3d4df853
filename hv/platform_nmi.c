#include "hv/platform_nmi.h"

#include "hv/partition.h"

static volatile uint64_t nmis_untaken;

/* The first privileged partition in config order that is running. */
static struct partition *platform_owner(void)
{
    for (unsigned id = 1; partition_at(id - 1); id++) {
        struct partition *p = partition_by_id(id);
        if (p && p->config->privileged && p->state == PARTITION_RUNNING && p->vcpu_count)
            return p;
    }
    return 0;
}

const char *platform_nmi_raised(bool may_wake)
{
    struct partition *owner = platform_owner();

    if (!owner) {
        __atomic_add_fetch(&nmis_untaken, 1, __ATOMIC_RELAXED);
        return 0;
    }
    arch_vcpu_raise_nmi(owner->vcpus[0]);
    if (may_wake)
        partition_wake_vcpu(owner->vcpus[0]);
    return partition_name(owner);
}
