/* What a partition's vCPUs reach through exits: its device table (and in
 * it the console and exit ports and the PIC), the hypervisor CPUID leaves
 * (pv only), its time limit. */
#include "arch/x86_64/vcpu_irq.h"
#include "arch/x86_64/vcpu_run.h"
#include "hv/arch.h"
#include "include/bulkhead/guest_abi.h"
#include "hv/log.h"
#include "hv/partition.h"

#define CPUID_SIGNATURE_LEAF 0x40000000u
#define CPUID_VERSION_LEAF   0x40000001u
#define DEBUGCON_READBACK    0xe9 /* what Bochs and QEMU answer, so guests can probe it */

const char *partition_name(const struct partition *partition)
{
    return partition->config->name;
}

bool partition_is_pv(const struct partition *partition)
{
    return partition->config->mode == CONFIG_MODE_PV;
}

/* "BulkheadHV\0\0" in EBX, ECX, EDX, as KVM and Xen sign their leaves. */
struct cpuid_regs partition_cpuid_leaf(uint32_t leaf)
{
    if (leaf == CPUID_SIGNATURE_LEAF)
        return (struct cpuid_regs){CPUID_VERSION_LEAF, 0x6b6c7542, 0x64616568, 0x00005648};
    if (leaf == CPUID_VERSION_LEAF)
        return (struct cpuid_regs){
            HC_ABI_VERSION,
            HC_FEATURE_EVENTS | HC_FEATURE_GRANTS | HC_FEATURE_TIMER | HC_FEATURE_CONTROL, 0, 0};
    return (struct cpuid_regs){0, 0, 0, 0};
}

void partition_stop_all(struct partition *p)
{
    p->stopping = true;
    for (unsigned i = 0; i < p->vcpu_count; i++) {
        if (p->vcpus[i]->cpu_index != arch_cpu_index())
            vcpu_kick(p->vcpus[i]);
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

    return earliest(earliest(p->deadline_tsc, vapic_timer_deadline(&v->apic)), p->timer_deadline);
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
    if (v->init_pending) {
        v->init_pending = false;
        v->state = VCPU_WAIT_SIPI;
        return false;
    }
    uint64_t timer = vapic_timer_deadline(&v->apic);
    if (timer && now >= timer)
        vapic_timer_tick(&v->apic, now);
    fire_partition_timer(v->partition, now);
    partition_vcpu_flush_ept(v);
    return true;
}

/* Most exits leave nothing to do before the next entry: no request, no
 * deadline of any kind, no interrupt, no stale translation. Checking that
 * first keeps the common round trip short. */
static bool nothing_to_do(const struct vcpu *v)
{
    const struct partition *p = v->partition;

    return !p->stopping && !p->stop_requested && p->command == PARTITION_COMMAND_NONE &&
           !v->init_pending && !p->deadline_tsc && !p->timer_deadline &&
           !vapic_timer_deadline(&v->apic) && v->preemption_parked && !v->interrupt_window &&
           v->ept_generation_seen == p->ept_generation && vapic_irr_empty(&v->apic) &&
           (!v->pic || vpic_quiet(v->pic));
}

int partition_vcpu_before_entry(struct vcpu *v)
{
    if (nothing_to_do(v))
        return 1;
    uint64_t now = arch_read_tsc();

    if (!vcpu_may_run(v, now))
        return 0;
    vcpu_inject_pending_interrupt(v);
    uint64_t deadline = next_deadline(v);
    vcpu_set_preemption_timer(v, deadline > now ? deadline - now : (deadline ? 0 : UINT64_MAX));
    return 1;
}

int partition_vcpu_block(struct vcpu *v, uint64_t tsc_deadline)
{
    for (;;) {
        uint64_t now = arch_read_tsc();
        if (!vcpu_may_run(v, now))
            return 0;
        if (vcpu_interrupt_pending(v) || (tsc_deadline && now >= tsc_deadline))
            return 1;
        arch_wait_for_interrupt(earliest(next_deadline(v), tsc_deadline));
    }
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
        vcpu_kick(v);
}

int partition_vcpu_wait(struct vcpu *v)
{
    return partition_vcpu_block(v, 0);
}

static void deliver_ipi(struct vcpu *from, struct vcpu *to, const struct vapic_ipi *ipi)
{
    switch (ipi->kind) {
    case VAPIC_IPI_FIXED:
        vapic_accept(&to->apic, ipi->vector);
        break;
    case VAPIC_IPI_INIT:
        to->init_pending = true;
        break;
    case VAPIC_IPI_STARTUP:
        if (to->state == VCPU_WAIT_SIPI)
            to->sipi_vector = ipi->vector;
        break;
    default:
        return; /* NMIs are not emulated: dropped */
    }
    if (to != from)
        vcpu_kick(to);
}

static bool ipi_reaches(const struct vcpu *from, const struct vcpu *to, const struct vapic_ipi *ipi)
{
    switch (ipi->shorthand) {
    case VAPIC_DEST_SELF:
        return to == from;
    case VAPIC_DEST_ALL_INCLUDING_SELF:
        return true;
    case VAPIC_DEST_ALL_EXCLUDING_SELF:
        return to != from;
    default:
        return ipi->destination == 0xffffffffu || ipi->destination == to->index;
    }
}

void partition_send_ipi(struct vcpu *from, const struct vapic_ipi *ipi)
{
    struct partition *p = from->partition;
    bool delivered = false;

    for (unsigned i = 0; i < p->vcpu_count; i++) {
        if (ipi_reaches(from, p->vcpus[i], ipi)) {
            deliver_ipi(from, p->vcpus[i], ipi);
            delivered = true;
        }
    }
    if (!delivered)
        __atomic_add_fetch(&p->dropped_ipis, 1, __ATOMIC_RELAXED);
}

static void console_flush(struct partition *p)
{
    p->console_line[p->console_len] = '\0';
    log_line("[%s] %s", p->config->name, p->console_line);
    p->console_len = 0;
}

/* Lines, not bytes, reach the log, so partitions never interleave within
 * one; unprintable bytes are shown as '?'. */
static void console_byte(struct partition *p, uint8_t byte)
{
    spin_lock(&p->console_lock);
    if (byte == '\n' || p->console_len == PARTITION_CONSOLE_LINE)
        console_flush(p);
    if (byte != '\n' && byte != '\r')
        p->console_line[p->console_len++] = (byte >= 0x20 && byte < 0x7f) ? (char)byte : '?';
    spin_unlock(&p->console_lock);
}

void partition_console_write(struct partition *p, const char *text, unsigned length)
{
    for (unsigned i = 0; i < length; i++)
        console_byte(p, (uint8_t)text[i]);
}

/* The PIC's output reaches vCPU 0; it looks at it before its next entry or
 * when its HLT wait ends. */
void partition_set_irq_line(struct partition *target, unsigned line, bool high)
{
    if (vpic_set_line(&target->pic, line, high) && target->vcpu_count)
        partition_wake_vcpu(target->vcpus[0]);
}

/* A wider access covers the next ports too, byte by byte; bytes on ports
 * the PIC does not have read all ones. Only vCPU 0 reaches the PIC (the
 * one its output wire reaches); the others read nothing there. */
static enum device_result pic_access(struct vcpu *vcpu, void *state, struct device_access *a)
{
    uint32_t read = 0;

    if (!vcpu->pic)
        return device_bare_metal.access(vcpu, state, a);
    for (unsigned i = 0; i < a->size; i++) {
        uint16_t byte_port = (uint16_t)(a->address + i);
        if (!vpic_owns_port(byte_port))
            read |= 0xffu << (8 * i);
        else if (a->write)
            vpic_write(vcpu->pic, byte_port, (uint8_t)(a->value >> (8 * i)));
        else
            read |= (uint32_t)vpic_read(vcpu->pic, byte_port) << (8 * i);
    }
    if (!a->write)
        a->value = read;
    return DEVICE_DONE;
}

const struct device_model partition_pic_model = {"8259 PIC", pic_access};

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
    struct partition *p = vcpu->partition;

    if (!a->write)
        return device_bare_metal.access(vcpu, state, a);
    p->exit_status = (uint32_t)a->value;
    p->has_exit_status = true;
    p->stop_cause = "exit port";
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
