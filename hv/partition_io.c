/* What a partition's vCPUs reach through exits: its device table (and in
 * it the console and exit ports), its time limit. */
#include "hv/arch.h"
#include "include/bulkhead/guest_abi.h"
#include "hv/ioreq.h"
#include "hv/log.h"
#include "hv/partition.h"

#define DEBUGCON_READBACK 0xe9 /* what Bochs and QEMU answer, so guests can probe it */

const char *partition_name(const struct partition *partition)
{
    return partition->config->name;
}

bool partition_is_pv(const struct partition *partition)
{
    return partition->config->mode == CONFIG_MODE_PV;
}

void partition_stop_all(struct partition *p)
{
    p->stopping = true;
    partition_note_work(p);
    for (unsigned i = 0; i < p->vcpu_count; i++) {
        if (p->vcpus[i]->cpu_index != arch_cpu_index())
            arch_vcpu_kick(p->vcpus[i]);
    }
}

static bool time_limit_reached(struct partition *p, uint64_t now)
{
    if (!p->deadline_tsc || now < p->deadline_tsc)
        return false;
    if (!p->stop_cause)
        p->stop_cause = "time limit reached";
    partition_stop_all(p);
    return true;
}

/* How often a waiting CPU looks at the serial's FIFO: 16 bytes take 1.4 ms. */
#define SERIAL_LOOKS_A_SECOND 1000

static uint64_t earliest(uint64_t a, uint64_t b)
{
    if (!a)
        return b;
    return (b && b < a) ? b : a;
}

/* The nearest of the vCPU's deadlines, 0 when it has none. */
static uint64_t next_deadline(const struct vcpu *v)
{
    const struct partition *p = v->partition;

    uint64_t partition = earliest(p->timer_deadline, event_deferred_deadline(p));

    return earliest(earliest(p->deadline_tsc, arch_vcpu_timer_deadline(v)), partition);
}

/* HC_TIMER_SET's one-shot timer: whichever vCPU sees it due fires it once. */
static void fire_partition_timer(struct partition *p, uint64_t now)
{
    uint64_t deadline = p->timer_deadline;

    if (deadline && now >= deadline &&
        __atomic_compare_exchange_n(&p->timer_deadline, &deadline, 0, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED))
        event_raise(p, p->timer_port);
}

/* Acts on what happened since the vCPU last ran; returns false when it must
 * leave the guest. */
static bool vcpu_may_run(struct vcpu *v, uint64_t now)
{
    struct partition *p = v->partition;

    /* A stop or a command of the privileged partition outlasts the run it
     * came in, even one that was only starting. */
    if (p->stopping || p->stop_requested || p->command != PARTITION_COMMAND_NONE ||
        time_limit_reached(p, now)) {
        if (v->state == VCPU_RUNNING)
            v->state = VCPU_STOPPED;
        return false;
    }
    if (arch_vcpu_take_reset(v)) {
        v->state = VCPU_WAIT_SIPI;
        return false;
    }
    arch_vcpu_timer_tick(v, now);
    fire_partition_timer(v->partition, now);
    event_release_deferred(v->partition, now);
    partition_vcpu_flush_ept(v);
    return true;
}

/* A deadline or an interrupt that still waits keeps the work noted, so the
 * next entry looks again; everything else is noted by whoever changes it. */
int partition_vcpu_before_entry(struct vcpu *v)
{
    vcpu_take_work(v);
    uint64_t now = arch_read_tsc();

    if (!vcpu_may_run(v, now))
        return 0;
    bool interrupt_waits = arch_vcpu_inject_pending(v);
    uint64_t deadline = next_deadline(v);
    arch_vcpu_set_timer(v, deadline > now ? deadline - now : (deadline ? 0 : UINT64_MAX));
    if (interrupt_waits || deadline)
        vcpu_note_work(v);
    return 1;
}

static int sleep_until_woken(struct vcpu *v, uint64_t tsc_deadline)
{
    for (;;) {
        uint64_t now = arch_read_tsc();
        if (!vcpu_may_run(v, now))
            return 0;
        if (arch_vcpu_interrupt_pending(v) || ioreq_server_has_work(v) ||
            (tsc_deadline && now >= tsc_deadline))
            return 1;
        /* A sleeping vCPU feeds the serial too: every CPU may be running
         * a partition, and a spinning one never passes the idle loop. */
        log_drain_serial();
        uint64_t serial_look =
            log_serial_owes() ? now + partition_tsc_hz() / SERIAL_LOOKS_A_SECOND : 0;
        arch_wait_for_interrupt(earliest(earliest(next_deadline(v), tsc_deadline), serial_look));
    }
}

/* Whoever gives a blocked vCPU work kicks it; one that is awake finds the
 * work before it sleeps, as `blocked` is set before it looks. */
int partition_vcpu_block(struct vcpu *v, uint64_t tsc_deadline)
{
    __atomic_store_n(&v->blocked, true, __ATOMIC_SEQ_CST);
    int woken = sleep_until_woken(v, tsc_deadline);
    __atomic_store_n(&v->blocked, false, __ATOMIC_RELEASE);
    return woken;
}

bool partition_vcpu_wait_for(struct vcpu *v, volatile bool *busy)
{
    while (__atomic_load_n(busy, __ATOMIC_ACQUIRE)) {
        if (!vcpu_may_run(v, arch_read_tsc()))
            return false;
        arch_wait_for_interrupt(next_deadline(v));
    }
    return true;
}

void partition_wake_vcpu(struct vcpu *v)
{
    if (v->cpu_index != arch_cpu_index())
        arch_vcpu_kick(v);
}

int partition_vcpu_wait(struct vcpu *v)
{
    return partition_vcpu_block(v, 0);
}

void partition_limit_console(struct partition *p, uint64_t tsc_hz)
{
    if (!partition_is_privileged(p))
        rate_limit_init(&p->console_limit, CONSOLE_BYTES_PER_SECOND, CONSOLE_BURST_BYTES, tsc_hz);
}

/* Under the console lock. */
static void report_dropped(struct partition *p)
{
    if (!p->console_dropped)
        return;
    p->console_dropped_reported = arch_read_tsc();
    log_line("[%s] (%llu bytes of console output dropped)", p->config->name,
             (unsigned long long)p->console_dropped);
    p->console_dropped = 0;
}

void partition_console_report_dropped(struct partition *p)
{
    spin_lock(&p->console_lock);
    report_dropped(p);
    spin_unlock(&p->console_lock);
}

/* A line past the partition's bucket or its share of the serial's backlog
 * is dropped and counted (the privileged partition has neither: what it
 * relays for others counts against theirs); the count is printed before the
 * next line that gets through, and when the run ends. */
static void console_flush(struct partition *p)
{
    unsigned bytes = p->console_len + 1; /* with its newline */

    p->console_line[p->console_len] = '\0';
    p->console_len = 0;
    if (!rate_limit_take(&p->console_limit, arch_read_tsc(), bytes) ||
        !log_console_line(partition_is_privileged(p) ? 0 : &p->console_share, p->config->name,
                          p->console_line)) {
        p->console_dropped += bytes;
        return;
    }
    /* At most once a second while it goes on: the count takes room too. */
    if (arch_read_tsc() - p->console_dropped_reported >= partition_tsc_hz())
        report_dropped(p);
}

/* Lines, not bytes, reach the log, so partitions never interleave within
 * one; unprintable bytes are shown as '?'. Under the console lock. */
static void console_add(struct partition *p, uint8_t byte)
{
    if (byte == '\n' || p->console_len == PARTITION_CONSOLE_LINE)
        console_flush(p);
    if (byte != '\n' && byte != '\r')
        p->console_line[p->console_len++] = (byte >= 0x20 && byte < 0x7f) ? (char)byte : '?';
}

static void console_byte(struct partition *p, uint8_t byte)
{
    spin_lock(&p->console_lock);
    console_add(p, byte);
    spin_unlock(&p->console_lock);
}

/* One hold of the lock for the whole text: what dom0 relays for the
 * partition does not mix into a line it prints itself at the same time. */
void partition_console_write(struct partition *p, const char *text, unsigned length)
{
    spin_lock(&p->console_lock);
    for (unsigned i = 0; i < length; i++)
        console_add(p, (uint8_t)text[i]);
    spin_unlock(&p->console_lock);
}

/* The PIC's output reaches vCPU 0; it looks at it before its next entry or
 * when its HLT wait ends. */
void partition_set_irq_line(struct partition *target, unsigned line, bool high)
{
    bool pending = arch_partition_set_irq_line(target, line, high);

    if (!target->vcpu_count)
        return;
    vcpu_note_work(target->vcpus[0]);
    if (pending)
        partition_wake_vcpu(target->vcpus[0]);
}

static enum device_result debugcon_access(struct vcpu *vcpu, void *state, struct device_access *a)
{
    (void)state;
    if (a->write)
        console_byte(vcpu->partition, (uint8_t)a->value);
    else
        a->value = DEBUGCON_READBACK;
    return DEVICE_DONE;
}

const struct device_model partition_debugcon_model = {"debug console", debugcon_access};

/* The isa-debug-exit port: a write ends the partition's run with its value
 * as exit status; a read finds nothing there. */
static enum device_result exit_port_access(struct vcpu *vcpu, void *state, struct device_access *a)
{

    if (!a->write)
        return device_bare_metal.access(vcpu, state, a);
    return partition_exit(vcpu, (uint32_t)a->value, "exit port");
}

enum device_result partition_exit(struct vcpu *vcpu, uint32_t status, const char *cause)
{
    struct partition *p = vcpu->partition;

    p->exit_status = status;
    p->has_exit_status = true;
    p->stop_cause = cause;
    vcpu->state = VCPU_STOPPED;
    partition_stop_all(p);
    return DEVICE_STOP_VCPU;
}

const struct device_model partition_exit_port_model = {"exit port", exit_port_access};

bool partition_mmio_claimed(const struct partition *p, uint64_t address)
{
    return device_table_find(&p->device_models, DEVICE_SPACE_MMIO, address, 1)->model !=
           &device_bare_metal;
}

/* Models answer up to 4 bytes: an 8-byte access is two, low half first.
 * The part that leaves the claimed range gets the bare-metal answer. */
bool partition_mmio_access(struct vcpu *vcpu, uint64_t address, unsigned size, bool write,
                           uint64_t *value)
{
    uint64_t result = 0;

    for (unsigned done = 0; done < size; done += 4) {
        struct device_access a = {.space = DEVICE_SPACE_MMIO,
                                  .address = address + done,
                                  .size = size - done < 4 ? size - done : 4,
                                  .write = write,
                                  .value = (uint32_t)(*value >> (8 * done))};
        if (device_table_access(&vcpu->partition->device_models, vcpu, &a) != DEVICE_DONE)
            return false;
        result |= (a.value & 0xffffffffu) << (8 * done);
    }
    if (!write)
        *value = result;
    return true;
}

bool partition_port_access(struct vcpu *vcpu, uint16_t port, unsigned size, bool out,
                           uint32_t *value, uint32_t rep_count)
{
    struct device_access a = {.space = DEVICE_SPACE_PORT,
                              .address = port,
                              .size = size,
                              .write = out,
                              .value = *value,
                              .rep_count = rep_count};
    enum device_result result = device_table_access(&vcpu->partition->device_models, vcpu, &a);

    if (!out)
        *value = (uint32_t)a.value;
    return result == DEVICE_DONE;
}

enum device_result partition_port_block(struct vcpu *vcpu, uint16_t port, unsigned size, bool in,
                                        uint64_t buffer, uint32_t count, uint32_t rep_count)
{
    const struct device_claim *claim =
        device_table_find(&vcpu->partition->device_models, DEVICE_SPACE_PORT, port, 1);
    struct device_access a = {.space = DEVICE_SPACE_PORT,
                              .address = port,
                              .size = size,
                              .write = !in,
                              .rep_count = rep_count,
                              .count = count,
                              .buffer = buffer};

    if (claim->model != &ioreq_forward_model)
        return DEVICE_NO_MODEL;
    return claim->model->access(vcpu, claim->state, &a);
}

enum device_result partition_msr_access(struct vcpu *vcpu, uint32_t msr, bool write,
                                        uint64_t *value)
{
    struct device_access a = {
        .space = DEVICE_SPACE_MSR, .address = msr, .size = 8, .write = write, .value = *value};
    enum device_result result = device_table_access(&vcpu->partition->device_models, vcpu, &a);

    if (!write)
        *value = a.value;
    return result;
}
