/*
 * Hypercall dispatch: a table indexed by call number that carries each
 * call's handler and whether it needs the privileged partition. Handlers
 * copy what they read from guest memory before they look at it.
 */
#include "hv/hypercall_dispatch.h"

#include "hv/arch.h"
#include "hv/console_server.h"
#include "hv/device_irq.h"
#include "hv/event.h"
#include "hv/grant.h"
#include "hv/ioreq.h"
#include "hv/log.h"
#include "hv/partition.h"
#include "hv/power.h"
#include "lib/string.h"

typedef int64_t (*hypercall_handler)(struct hypercall_caller *caller, const uint64_t *args);

struct hypercall {
    hypercall_handler handler;
    bool privileged;
};

static int64_t hc_null(struct hypercall_caller *caller, const uint64_t *args)
{
    (void)caller;
    (void)args;
    return 0;
}

static int64_t hc_version(struct hypercall_caller *caller, const uint64_t *args)
{
    (void)caller;
    (void)args;
    return HC_ABI_VERSION;
}

static int64_t hc_console_write(struct hypercall_caller *caller, const uint64_t *args)
{
    char text[HC_CONSOLE_MAX];
    uint64_t length = args[1];

    if (length > HC_CONSOLE_MAX)
        return HC_EINVAL;
    if (!guest_copy_from(&caller->memory, text, args[0], length))
        return HC_EFAULT;
    partition_console_write(caller->partition, text, (unsigned)length);
    return (int64_t)length;
}

/* Each vCPU has a CPU of its own: there is nobody to yield to. */
static int64_t hc_yield(struct hypercall_caller *caller, const uint64_t *args)
{
    (void)caller;
    (void)args;
    return 0;
}

static int64_t hc_block(struct hypercall_caller *caller, const uint64_t *args)
{
    uint64_t called = TRACE_ON ? arch_read_tsc() : 0;

    ioreq_server_poll(caller->vcpu);
    if (!partition_vcpu_block(caller->vcpu, args[0]))
        return HC_EBUSY;
    if (!ioreq_server_has_work(caller->vcpu))
        return 0;
    ioreq_trace_server_woken(called);
    return HC_BLOCK_REQUESTS;
}

static int64_t hc_self_info(struct hypercall_caller *caller, const uint64_t *args)
{
    struct hc_self_info info;

    partition_describe_self(caller->partition, caller->vcpu, &info);
    return guest_copy_to(&caller->memory, args[0], &info, sizeof(info)) ? 0 : HC_EFAULT;
}

static int64_t hc_event_bind(struct hypercall_caller *caller, const uint64_t *args)
{
    return event_bind(caller->partition, partition_vcpu_index(caller->vcpu), args[0], args[1]);
}

static int64_t hc_event_connect(struct hypercall_caller *caller, const uint64_t *args)
{
    return event_connect(caller->partition, partition_vcpu_index(caller->vcpu), args[0], args[1],
                         args[2]);
}

static int64_t hc_event_send(struct hypercall_caller *caller, const uint64_t *args)
{
    return event_send(caller->partition, args[0]);
}

static int64_t hc_event_unbind(struct hypercall_caller *caller, const uint64_t *args)
{
    return event_unbind(caller->partition, args[0]);
}

static int64_t hc_event_mask(struct hypercall_caller *caller, const uint64_t *args)
{
    return event_set_mask(caller->partition, args[0], true);
}

static int64_t hc_event_unmask(struct hypercall_caller *caller, const uint64_t *args)
{
    return event_set_mask(caller->partition, args[0], false);
}

static int64_t hc_grant_create(struct hypercall_caller *caller, const uint64_t *args)
{
    return grant_create(caller->partition, args[0], args[1], args[2], args[3]);
}

static int64_t hc_grant_map(struct hypercall_caller *caller, const uint64_t *args)
{
    return grant_map(caller->partition, args[0], args[1], args[2]);
}

static int64_t hc_grant_unmap(struct hypercall_caller *caller, const uint64_t *args)
{
    return grant_unmap(caller->partition, args[0], args[1]);
}

static int64_t hc_grant_revoke(struct hypercall_caller *caller, const uint64_t *args)
{
    return grant_revoke(caller->partition, args[0]);
}

static int64_t hc_timer_set(struct hypercall_caller *caller, const uint64_t *args)
{
    return partition_set_timer(caller->partition, args[0], args[1]);
}

static int64_t hc_partition_list(struct hypercall_caller *caller, const uint64_t *args)
{
    uint64_t buffer = args[0], count = args[1];
    uint64_t written = 0;

    for (uint64_t id = 1; id <= CONFIG_MAX_PARTITIONS && written < count; id++) {
        struct hc_partition_entry entry;
        if (!partition_describe(id, &entry))
            continue;
        if (!guest_copy_to(&caller->memory, buffer + written * sizeof(entry), &entry,
                           sizeof(entry)))
            return HC_EFAULT;
        written++;
    }
    return (int64_t)written;
}

/* The privileged partition acts on others, never on itself. */
static struct partition *control_target(struct hypercall_caller *caller, uint64_t id,
                                        int64_t *error)
{
    struct partition *target = partition_by_id(id);

    *error = !target ? HC_ENOENT : target == caller->partition ? HC_EINVAL : 0;
    return *error ? 0 : target;
}

static int64_t hc_partition_stop(struct hypercall_caller *caller, const uint64_t *args)
{
    int64_t error;
    struct partition *target = control_target(caller, args[0], &error);

    return target ? partition_request_stop(target, caller->partition) : error;
}

static int64_t command(struct hypercall_caller *caller, uint64_t id, enum partition_command what)
{
    int64_t error;
    struct partition *target = control_target(caller, id, &error);

    return target ? partition_command(target, what) : error;
}

static int64_t hc_partition_shutdown(struct hypercall_caller *caller, const uint64_t *args)
{
    int64_t error;
    struct partition *target = control_target(caller, args[0], &error);

    if (!target)
        return error;
    if (partition_is_pv(target))
        return HC_EINVAL;
    if (target->state != PARTITION_RUNNING)
        return HC_EBUSY;
    return arch_partition_press_power_button(target) ? 0 : 1;
}

static int64_t hc_partition_start(struct hypercall_caller *caller, const uint64_t *args)
{
    return command(caller, args[0], PARTITION_COMMAND_START);
}

static int64_t hc_partition_restart(struct hypercall_caller *caller, const uint64_t *args)
{
    return command(caller, args[0], PARTITION_COMMAND_RESTART);
}

static int64_t hc_partition_destroy(struct hypercall_caller *caller, const uint64_t *args)
{
    return command(caller, args[0], PARTITION_COMMAND_DESTROY);
}

static int64_t hc_irq_line(struct hypercall_caller *caller, const uint64_t *args)
{
    int64_t error;
    struct partition *target = control_target(caller, args[0], &error);

    if (!target)
        return error;
    if (partition_is_pv(target) || args[1] >= HC_IRQ_LINES || args[2] > 1)
        return HC_EINVAL;
    partition_set_irq_line(target, (unsigned)args[1], args[2] == 1);
    return 0;
}

_Static_assert(HC_IRQ_LINES == ARCH_PARTITION_IRQ_LINES, "the ABI's lines are the platform's");

static int64_t hc_irq_msi(struct hypercall_caller *caller, const uint64_t *args)
{
    int64_t error;
    struct partition *target = control_target(caller, args[0], &error);

    if (!target)
        return error;
    if (partition_is_pv(target) || !arch_partition_send_msi(target, args[1], args[2]))
        return HC_EINVAL;
    return 0;
}

/* The server's relay of a served partition's console (its 16550, its
 * ring): the lines are that partition's, under its name and its budget. */
static int64_t hc_console_write_for(struct hypercall_caller *caller, const uint64_t *args)
{
    char text[HC_CONSOLE_MAX];
    uint64_t length = args[2];
    int64_t error;
    struct partition *target = control_target(caller, args[0], &error);

    if (!target)
        return error;
    if (length > HC_CONSOLE_MAX)
        return HC_EINVAL;
    if (!guest_copy_from(&caller->memory, text, args[1], length))
        return HC_EFAULT;
    partition_console_write(target, text, (unsigned)length);
    return 0;
}

/* The whole buffer must be the caller's, even when less is copied. */
static int64_t hc_log_read(struct hypercall_caller *caller, const uint64_t *args)
{
    uint64_t buffer = args[0], length = args[1], cursor = args[2], span_address = args[3];
    char bytes[HC_LOG_READ_MAX];
    struct hc_log_span span;

    if (!guest_range_valid(&caller->memory, buffer, length) ||
        (span_address && !guest_range_valid(&caller->memory, span_address, sizeof(span))))
        return HC_EFAULT;
    uint64_t count =
        log_read(caller->partition, cursor, bytes, length < sizeof(bytes) ? length : sizeof(bytes),
                 &span.start, &span.end);
    if (cursor > span.end)
        return HC_EINVAL;
    if (!guest_copy_to(&caller->memory, buffer, bytes, count) ||
        (span_address && !guest_copy_to(&caller->memory, span_address, &span, sizeof(span))))
        return HC_EFAULT;
    return (int64_t)count;
}

/* Only the owner of the hypervisor's serial port (config `devices`) may
 * take over the console; the result is where in the log it starts. */
static int64_t hc_console_take(struct hypercall_caller *caller, const uint64_t *args)
{
    uint64_t from;

    if (!log_serial_port() || args[0] != log_serial_port() ||
        !partition_owns_serial(caller->partition, (uint16_t)args[0]))
        return HC_EPERM;
    if (!log_hand_over_console(caller->partition, &from))
        return HC_EBUSY;
    log_line("console: partition %s prints the log from here on",
             partition_name(caller->partition));
    return (int64_t)from;
}

static int64_t hc_machine_control(struct hypercall_caller *caller, const uint64_t *args)
{
    enum power_action action = args[0] == HC_MACHINE_POWEROFF ? POWER_OFF
                               : args[0] == HC_MACHINE_REBOOT ? POWER_REBOOT
                                                              : POWER_NONE;

    if (action == POWER_NONE)
        return HC_EINVAL;
    if (!power_request(action))
        return HC_EBUSY;
    partitions_shut_down(caller->partition, action == POWER_OFF ? "power-off" : "reboot");
    return 0;
}

static int64_t hc_ioreq_server(struct hypercall_caller *caller, const uint64_t *args)
{
    return ioreq_register_server(caller->vcpu, args[0]);
}

static int64_t hc_ioreq_claim(struct hypercall_caller *caller, const uint64_t *args)
{
    return ioreq_claim(caller->partition, args[0], args[1], args[2]);
}

static int64_t hc_ioreq_claim_mmio(struct hypercall_caller *caller, const uint64_t *args)
{
    return ioreq_claim_mmio(caller->partition, args[0], args[1], args[2]);
}

static int64_t hc_ioreq_copy(struct hypercall_caller *caller, const uint64_t *args)
{
    struct ioreq_copy copy = {args[0], args[1], args[2], args[3], args[4]};

    return ioreq_copy(caller->partition, &copy);
}

static int64_t hc_ioreq_complete(struct hypercall_caller *caller, const uint64_t *args)
{
    return ioreq_complete(caller->partition, args[0], args[1], args[2]);
}

static int64_t hc_console_server(struct hypercall_caller *caller, const uint64_t *args)
{
    return console_register_server(caller->partition, args[0], args[1]);
}

static int64_t hc_console_release(struct hypercall_caller *caller, const uint64_t *args)
{
    return console_release(caller->partition, args[0]);
}

static int64_t hc_device_irq_bind(struct hypercall_caller *caller, const uint64_t *args)
{
    return device_irq_bind(caller->partition, args[0], args[1]);
}

static int64_t hc_device_irq_unmask(struct hypercall_caller *caller, const uint64_t *args)
{
    return device_irq_unmask(caller->partition, args[0]);
}

static const struct hypercall hypercalls[HC_CALL_COUNT] = {
    [HC_NULL] = {hc_null, false},
    [HC_VERSION] = {hc_version, false},
    [HC_CONSOLE_WRITE] = {hc_console_write, false},
    [HC_YIELD] = {hc_yield, false},
    [HC_BLOCK] = {hc_block, false},
    [HC_SELF_INFO] = {hc_self_info, false},
    [HC_EVENT_BIND] = {hc_event_bind, false},
    [HC_EVENT_CONNECT] = {hc_event_connect, false},
    [HC_EVENT_SEND] = {hc_event_send, false},
    [HC_EVENT_UNBIND] = {hc_event_unbind, false},
    [HC_EVENT_MASK] = {hc_event_mask, false},
    [HC_EVENT_UNMASK] = {hc_event_unmask, false},
    [HC_GRANT_CREATE] = {hc_grant_create, false},
    [HC_GRANT_MAP] = {hc_grant_map, false},
    [HC_GRANT_UNMAP] = {hc_grant_unmap, false},
    [HC_GRANT_REVOKE] = {hc_grant_revoke, false},
    [HC_TIMER_SET] = {hc_timer_set, false},
    [HC_PARTITION_LIST] = {hc_partition_list, true},
    [HC_PARTITION_STOP] = {hc_partition_stop, true},
    [HC_PARTITION_START] = {hc_partition_start, true},
    [HC_PARTITION_RESTART] = {hc_partition_restart, true},
    [HC_PARTITION_DESTROY] = {hc_partition_destroy, true},
    [HC_PARTITION_SHUTDOWN] = {hc_partition_shutdown, true},
    [HC_IRQ_LINE] = {hc_irq_line, true},
    [HC_IRQ_MSI] = {hc_irq_msi, true},
    [HC_CONSOLE_WRITE_FOR] = {hc_console_write_for, true},
    [HC_IOREQ_CLAIM_MMIO] = {hc_ioreq_claim_mmio, true},
    [HC_LOG_READ] = {hc_log_read, true},
    [HC_MACHINE_CONTROL] = {hc_machine_control, true},
    [HC_CONSOLE_TAKE] = {hc_console_take, true},
    [HC_IOREQ_SERVER] = {hc_ioreq_server, true},
    [HC_IOREQ_CLAIM] = {hc_ioreq_claim, true},
    [HC_IOREQ_COMPLETE] = {hc_ioreq_complete, true},
    [HC_IOREQ_COPY] = {hc_ioreq_copy, true},
    [HC_CONSOLE_SERVER] = {hc_console_server, true},
    [HC_CONSOLE_RELEASE] = {hc_console_release, true},
    [HC_DEVICE_IRQ_BIND] = {hc_device_irq_bind, true},
    [HC_DEVICE_IRQ_UNMASK] = {hc_device_irq_unmask, true},
};

int64_t hypercall_dispatch(struct hypercall_caller *caller, uint64_t number, const uint64_t args[6])
{
    if (number >= HC_CALL_COUNT || !hypercalls[number].handler)
        return HC_ENOSYS;
    if (hypercalls[number].privileged && !partition_is_privileged(caller->partition))
        return HC_EPERM;
    return hypercalls[number].handler(caller, args);
}
