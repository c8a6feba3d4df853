/* What hypercalls learn about partitions, and the small per-partition
 * services they use: the console and the one-shot timer. */
#include "include/bulkhead/guest_abi.h"
#include "hv/memory.h"
#include "hv/partition.h"
#include "lib/string.h"

bool partition_is_privileged(const struct partition *p)
{
    return p->config->privileged;
}

struct guest_memory partition_guest_memory(const struct partition *p)
{
    return (struct guest_memory){phys_to_virt(p->ram_phys), p->ram_size};
}

uint64_t partition_ram_end(const struct partition *p)
{
    struct guest_memory memory = partition_guest_memory(p);

    return guest_ram_end(&memory);
}

unsigned partition_vcpu_index(const struct vcpu *vcpu)
{
    return vcpu->index;
}

static void copy_name(char *to, const char *from)
{
    memcpy(to, from, HC_NAME_LEN);
    to[HC_NAME_LEN - 1] = '\0';
}

void partition_describe_self(const struct partition *p, const struct vcpu *vcpu,
                             struct hc_self_info *info)
{
    memset(info, 0, sizeof(*info));
    info->partition_id = p->id;
    info->vcpu_index = vcpu->index;
    info->cpu_count = p->vcpu_count;
    info->mode = partition_is_pv(p) ? GUEST_MODE_PV : GUEST_MODE_FULL;
    info->memory_bytes = p->ram_size;
    copy_name(info->name, p->config->name);
    info->restarts = p->restarts;
}

static uint32_t entry_state(const struct partition *p)
{
    enum partition_command command = p->command;

    if (command == PARTITION_COMMAND_START || command == PARTITION_COMMAND_RESTART)
        return HC_PARTITION_RUNNING; /* its CPU takes the command next */
    switch (p->state) {
    case PARTITION_RUNNING:
        return HC_PARTITION_RUNNING;
    case PARTITION_CRASHED:
        return HC_PARTITION_CRASHED;
    case PARTITION_DESTROYED:
        return HC_PARTITION_DESTROYED;
    default:
        return HC_PARTITION_STOPPED;
    }
}

/* Exit reasons by counter, summed over the partition's vCPUs. */
static void sum_exits(const struct partition *p, uint64_t exits[HC_EXIT_COUNTERS])
{
    for (unsigned i = 0; i < p->vcpu_count; i++) {
        const struct vcpu *v = p->vcpus[i];
        exits[HC_EXITS_TOTAL] += v->exits_total;
        arch_vcpu_count_exits(v, exits);
    }
}

bool partition_describe(uint64_t id, struct hc_partition_entry *entry)
{
    const struct partition *p = partition_by_id(id);

    memset(entry, 0, sizeof(*entry));
    if (!p)
        return false;
    entry->id = p->id;
    entry->state = entry_state(p);
    entry->cpu_count = p->vcpu_count;
    entry->mode = partition_is_pv(p) ? GUEST_MODE_PV : GUEST_MODE_FULL;
    entry->memory_bytes = p->ram_size;
    copy_name(entry->name, p->config->name);
    sum_exits(p, entry->exits);
    entry->has_exit_status = p->has_exit_status;
    entry->exit_status = p->has_exit_status ? p->exit_status : 0;
    return true;
}

int64_t partition_set_timer(struct partition *p, uint64_t tsc_deadline, uint64_t port)
{
    if (!tsc_deadline) {
        p->timer_deadline = 0;
        return 0;
    }
    if (port >= HC_EVENT_PORTS || !p->events.ports[port].bound)
        return HC_ENOENT;
    p->timer_deadline = 0;
    p->timer_port = (unsigned)port;
    __atomic_store_n(&p->timer_deadline, tsc_deadline, __ATOMIC_RELEASE);
    partition_note_work(p);
    return 0;
}

bool partition_owns_serial(const struct partition *p, uint16_t port)
{
    for (unsigned i = 0; port && i < p->device_count; i++) {
        if (p->devices[i].kind == GUEST_DEVICE_SERIAL && p->devices[i].id == port)
            return true;
    }
    return false;
}
