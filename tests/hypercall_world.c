/*
 * The fake machine of hypercall_world.h. The stand-ins keep to the contracts
 * of hv/partition.h; where a caller breaks one (an interrupt with an
 * exception vector, an unmap of something never mapped) they note it in
 * world.violation instead of failing on the spot, so that the fuzzer and the
 * unit tests decide what to do about it.
 */
#include "tests/hypercall_world.h"

#include <stdarg.h>
#include <string.h>

#include "hv/console_server.h"
#include "lib/format.h"
#include "hv/log.h"
#include "hv/memory.h"

struct world world;

/* Separate arrays, so that the address sanitizer guards each one. */
static uint8_t ram_1[WORLD_RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t ram_2[WORLD_RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t ram_3[WORLD_RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t *const rams[WORLD_PARTITIONS] = {ram_1, ram_2, ram_3};

static struct config_partition configs[WORLD_PARTITIONS];
static struct vcpu vcpus[WORLD_PARTITIONS][WORLD_VCPUS];

static const char *const names[WORLD_PARTITIONS] = {"dom0", "guest-a", "guest-b"};

static void note(const char *violation)
{
    if (!world.violation)
        world.violation = violation;
}

static void build_partition(unsigned index)
{
    struct config_partition *c = &configs[index];
    struct partition *p = &world.partitions[index];

    *c = (struct config_partition){.cpu_count = WORLD_VCPUS,
                                   .memory = WORLD_RAM_SIZE,
                                   .mode = CONFIG_MODE_PV,
                                   .privileged = index + 1 == WORLD_DOM0};
    strncpy(c->name, names[index], sizeof(c->name) - 1);
    if (c->privileged) {
        c->devices[0] = (struct config_device){
            .kind = CONFIG_DEVICE_SERIAL, .port = 0x2f8, .irq = WORLD_OWNED_IRQ};
        c->devices[1] = (struct config_device){
            .kind = CONFIG_DEVICE_SERIAL, .port = 0x3e8, .irq = WORLD_OWNED_IRQ_OTHER};
        c->devices[2] = (struct config_device){.kind = CONFIG_DEVICE_PCI, .slot = 2};
        c->device_count = 3;
    }
    memset(rams[index], 0, WORLD_RAM_SIZE);
    *p = (struct partition){.id = index + 1,
                            .config = c,
                            .ram_phys = (uint64_t)(uintptr_t)rams[index],
                            .ram_size = WORLD_RAM_SIZE,
                            .boot_cpu = index * WORLD_VCPUS,
                            .state = PARTITION_RUNNING};
    for (unsigned i = 0; i < c->device_count; i++)
        p->device_irqs[i] = config_device_irq(&c->devices[i], WORLD_OWNED_PCI_IRQ);
    for (unsigned i = 0; i < WORLD_VCPUS; i++) {
        struct vcpu *v = &vcpus[index][i];
        *v = (struct vcpu){.cpu_index = index * WORLD_VCPUS + i, .index = i, .partition = p};
        p->vcpus[i] = v;
        p->vcpu_count++;
    }
}

void world_make_full(unsigned id)
{
    configs[id - 1].mode = CONFIG_MODE_FULL;
    configs[id - 1].emulated_count = 1; /* it names a model dom0 serves */
}

void world_reset(void)
{
    /* The console backend of a previous world goes with it. */
    console_server_gone(&world.partitions[WORLD_DOM0 - 1]);
    device_irq_release(&world.partitions[WORLD_DOM0 - 1]);
    memset(&world, 0, sizeof(world));
    for (unsigned i = 0; i < WORLD_PARTITIONS; i++)
        build_partition(i);
}

struct partition *world_partition(unsigned id)
{
    return &world.partitions[id - 1];
}

struct world_partition_record *world_record(unsigned id)
{
    return &world.records[id - 1];
}

uint8_t *world_ram(unsigned id)
{
    return rams[id - 1];
}

/* The partition's own vCPUs are not running: they drop stale translations
 * before they enter it again, so nothing is left to flush. */
void world_restart(unsigned id)
{
    struct partition *p = world_partition(id);

    grant_release_all(p);
    event_close_all(p);
    device_irq_release(p);
    p->timer_deadline = 0;
    world_record(id)->unflushed_unmaps = 0;
}

void world_destroy(unsigned id)
{
    world_restart(id);
    world_partition(id)->state = PARTITION_DESTROYED;
}

int64_t world_call(unsigned id, unsigned vcpu, uint64_t number, const uint64_t args[6])
{
    struct partition *p = world_partition(id);
    struct hypercall_caller caller = {p->vcpus[vcpu % WORLD_VCPUS], p, partition_guest_memory(p)};

    return hypercall_dispatch(&caller, number, args);
}

int64_t world_call0(unsigned id, uint64_t number)
{
    return world_call4(id, number, 0, 0, 0, 0);
}

int64_t world_call1(unsigned id, uint64_t number, uint64_t a0)
{
    return world_call4(id, number, a0, 0, 0, 0);
}

int64_t world_call2(unsigned id, uint64_t number, uint64_t a0, uint64_t a1)
{
    return world_call4(id, number, a0, a1, 0, 0);
}

int64_t world_call3(unsigned id, uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return world_call4(id, number, a0, a1, a2, 0);
}

int64_t world_call4(unsigned id, uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2,
                    uint64_t a3)
{
    const uint64_t args[6] = {a0, a1, a2, a3, 0, 0};

    return world_call(id, 0, number, args);
}

/* ---- the fake EPTs ---------------------------------------------------- */

static bool overlaps(const struct world_mapping *m, unsigned grantee, uint64_t address,
                     uint64_t size)
{
    return m->used && m->grantee == grantee && address < m->address + m->size &&
           m->address < address + size;
}

const struct world_mapping *world_mapping_at(unsigned grantee, uint64_t address)
{
    for (unsigned i = 0; i < WORLD_MAPPINGS; i++) {
        if (overlaps(&world.mappings[i], grantee, address, 1))
            return &world.mappings[i];
    }
    return 0;
}

unsigned world_mapping_count(void)
{
    unsigned count = 0;

    for (unsigned i = 0; i < WORLD_MAPPINGS; i++)
        count += world.mappings[i].used;
    return count;
}

/* Like the EPT: a page that is mapped already cannot be mapped again. */
bool partition_map_foreign(struct partition *grantee, uint64_t address,
                           const struct partition *granter, uint64_t granter_address, uint64_t size,
                           bool writable)
{
    struct world_mapping *free_slot = 0;

    if (!size || (address | size | granter_address) % WORLD_PAGE || address + size < address)
        note("a foreign mapping that is empty, unaligned or wraps");
    for (unsigned i = 0; i < WORLD_MAPPINGS; i++) {
        struct world_mapping *m = &world.mappings[i];
        if (overlaps(m, grantee->id, address, size))
            return false;
        if (!m->used && !free_slot)
            free_slot = m;
    }
    if (!free_slot) {
        note("more foreign mappings than there are grants");
        return false;
    }
    *free_slot = (struct world_mapping){.used = true,
                                        .grantee = grantee->id,
                                        .granter = granter->id,
                                        .address = address,
                                        .granter_address = granter_address,
                                        .size = size,
                                        .writable = writable};
    return true;
}

/* Grants are unmapped whole: anything else means the tables disagree. */
void partition_unmap_foreign(struct partition *grantee, uint64_t address, uint64_t size)
{
    for (unsigned i = 0; i < WORLD_MAPPINGS; i++) {
        struct world_mapping *m = &world.mappings[i];
        if (m->used && m->grantee == grantee->id && m->address == address && m->size == size) {
            *m = (struct world_mapping){0};
            world_record(grantee->id)->unflushed_unmaps++;
            return;
        }
    }
    note("an unmap of a range that is not one mapping");
}

bool partition_flush_ept(struct partition *p)
{
    struct world_partition_record *r = world_record(p->id);

    r->flushes++;
    r->unflushed_unmaps = 0;
    r->flush_stops += r->flush_times_out;
    return !r->flush_times_out;
}

/* ---- the rest of the partition layer ---------------------------------- */

struct partition *partition_by_id(uint64_t id)
{
    if (!id || id > WORLD_PARTITIONS || world.partitions[id - 1].state == PARTITION_DESTROYED)
        return 0;
    return &world.partitions[id - 1];
}

bool partition_is_pv(const struct partition *partition)
{
    return partition->config->mode == CONFIG_MODE_PV;
}

bool partition_range_in_ram(const struct partition *p, uint64_t address, uint64_t length)
{
    return address <= p->ram_size && length <= p->ram_size - address;
}

void *phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)phys;
}

/* Pages of the world's RAM arrays are never really freed: counted only. */
void memory_free_pages(uint64_t phys, uint64_t pages)
{
    (void)phys;
    world.pages_freed += pages;
}

void partition_deliver_interrupt(struct partition *p, unsigned vcpu, uint8_t vector)
{
    struct world_partition_record *r = world_record(p->id);

    if (vector < 32)
        note("an exception vector delivered as an event");
    if (vcpu >= p->vcpu_count) {
        note("an event for a vCPU the partition does not have");
        return;
    }
    r->interrupts[vcpu][vector]++;
    r->interrupt_total++;
}

bool arch_irq_route(unsigned irq, unsigned cpu, bool level)
{
    if (irq >= DEVICE_IRQ_COUNT)
        note("a route for an IRQ past the IOAPIC's pins");
    if (world.no_ioapic || irq >= DEVICE_IRQ_COUNT)
        return false;
    struct world_pin *pin = &world.pins[irq];
    *pin = (struct world_pin){true, cpu, pin->routes + 1, pin->masks, level, pin->unmasks};
    return true;
}

void arch_irq_unmask(unsigned irq)
{
    if (irq >= DEVICE_IRQ_COUNT) {
        note("an unmask for an IRQ past the IOAPIC's pins");
        return;
    }
    if (world.pins[irq].routes == 0)
        note("an unmask for a pin never routed");
    world.pins[irq].unmasked = true;
    world.pins[irq].unmasks++;
}

void arch_irq_mask(unsigned irq)
{
    if (irq >= DEVICE_IRQ_COUNT) {
        note("a mask for an IRQ past the IOAPIC's pins");
        return;
    }
    world.pins[irq].unmasked = false;
    world.pins[irq].masks++;
}

/* No vCPU of this world runs: it has no exits of the arch's kinds. */
void arch_vcpu_count_exits(const struct vcpu *v, uint64_t *counters)
{
    (void)v;
    (void)counters;
}

/* Time moves by one tick each time someone looks. */
uint64_t arch_read_tsc(void)
{
    static uint64_t now;

    return ++now;
}

/* I/O requests are never forwarded here (no vCPU runs): waiting is over at
 * once and waking is a no-op. */
bool partition_vcpu_wait_for(struct vcpu *vcpu, volatile bool *busy)
{
    (void)vcpu;
    (void)busy;
    return true;
}

void partition_wake_vcpu(struct vcpu *vcpu)
{
    (void)vcpu;
}

int partition_vcpu_block(struct vcpu *vcpu, uint64_t tsc_deadline)
{
    (void)vcpu;
    (void)tsc_deadline;
    return 1;
}

void partition_console_write(struct partition *p, const char *text, unsigned length)
{
    struct world_partition_record *r = world_record(p->id);
    unsigned room = (unsigned)sizeof(r->console) - r->console_len;

    if (length > HC_CONSOLE_MAX)
        note("console text longer than HC_CONSOLE_MAX");
    memcpy(r->console + r->console_len, text, length < room ? length : room);
    r->console_len += length < room ? length : room;
    r->console_writes++;
}

int64_t partition_command(struct partition *target, enum partition_command command)
{
    struct world_partition_record *r = world_record(target->id);

    r->command = command;
    r->commands++;
    return 0;
}

void partition_set_irq_line(struct partition *target, unsigned line, bool high)
{
    struct world_partition_record *r = world_record(target->id);

    r->irq_line_changes++;
    r->irq_line = line;
    r->irq_high = high;
}

/* The platform's own check of the message, so the call's answers are the
 * real ones. */
bool arch_partition_send_msi(struct partition *p, uint64_t address, uint64_t data)
{
    struct world_partition_record *r = world_record(p->id);
    struct vapic_ipi message;

    if (!vioapic_msi_message(address, data, &message))
        return false;
    r->msis++;
    r->msi = message;
    return true;
}

bool arch_partition_press_power_button(struct partition *p)
{
    struct world_partition_record *r = world_record(p->id);

    r->power_button_presses++;
    return r->power_button_listened;
}

int64_t partition_request_stop(struct partition *target, const struct partition *by)
{
    struct world_partition_record *r = world_record(target->id);

    r->stopped_by = by;
    r->stop_requests++;
    return 0;
}

uint64_t log_read(const void *reader, uint64_t cursor, char *to, uint64_t length, uint64_t *start,
                  uint64_t *end)
{
    uint64_t count = log_ring_read(&world.log, cursor, to, length, start);

    (void)reader;
    *end = world.log.end;
    return count;
}

/* The hypervisor's lines land in the fake log ring, prefixed as on the
 * console. */
static void log_append(const char *prefix, const char *fmt, va_list args)
{
    char line[256];
    size_t length = format(line, sizeof(line), "%s", prefix);

    length += format_v(line + length, sizeof(line) - length - 1, fmt, args);
    line[length++] = '\n';
    log_ring_append(&world.log, line, length);
}

void log_line(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_append("bulkhead: ", fmt, args);
    va_end(args);
}

void log_error(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_append("bulkhead: error: ", fmt, args);
    va_end(args);
}

const char *partition_name(const struct partition *partition)
{
    return partition->config->name;
}

uint16_t log_serial_port(void)
{
    return WORLD_SERIAL_PORT;
}

bool log_hand_over_console(const void *owner, uint64_t *from)
{
    if (world.console_owner && world.console_owner != owner)
        return false;
    world.console_owner = owner;
    *from = world.log.end;
    return true;
}

bool power_request(enum power_action action)
{
    if (world.power_action != POWER_NONE)
        return false;
    world.power_action = action;
    return true;
}

void partitions_shut_down(struct partition *by, const char *action)
{
    (void)action;
    world.shut_down_by = by;
    world.shutdowns++;
}

/* ---- consistency of the tables ---------------------------------------- */

static bool known_id(uint64_t id)
{
    return id >= 1 && id <= WORLD_PARTITIONS;
}

static const char *check_port(const struct partition *p, unsigned index)
{
    const struct event_port *port = &p->events.ports[index];

    if (!port->bound)
        return port->vector || port->vcpu || port->offered_to || port->peer || port->masked ||
                       port->pending
                   ? "an unbound port keeps state"
                   : 0;
    if (port->vector && port->vector < 32) /* 0: an end that only sends */
        return "a port bound to an exception vector";
    if (port->vcpu >= p->vcpu_count)
        return "a port bound to a vCPU the partition does not have";
    if (port->offered_to == p->id || (port->offered_to && !known_id(port->offered_to)))
        return "a port offered to itself or to nobody that exists";
    if (!port->peer)
        return 0;
    if (port->peer == p->id || !known_id(port->peer) || port->peer_port >= HC_EVENT_PORTS)
        return "a port connected to nothing that exists";
    const struct partition *peer = world_partition(port->peer);
    const struct event_port *other = &peer->events.ports[port->peer_port];
    if (peer->state == PARTITION_DESTROYED || !other->bound || other->peer != p->id ||
        other->peer_port != index)
        return "a channel whose other end does not point back";
    return 0;
}

/* The one fake mapping of a mapped grant. */
static unsigned mappings_of(const struct partition *granter, const struct grant *g)
{
    unsigned found = 0;

    for (unsigned i = 0; i < WORLD_MAPPINGS; i++) {
        const struct world_mapping *m = &world.mappings[i];
        found += m->used && m->granter == granter->id && m->grantee == g->grantee &&
                 m->address == g->mapped_at && m->granter_address == g->address &&
                 m->size == g->pages * WORLD_PAGE && m->writable == g->writable;
    }
    return found;
}

static const char *check_grant(const struct partition *p, const struct grant *g)
{
    if (!g->used)
        return g->writable || g->mapped || g->grantee || g->pages || g->address || g->mapped_at
                   ? "a free grant keeps state"
                   : 0;
    if (g->grantee == p->id || !known_id(g->grantee))
        return "a grant to itself or to nobody that exists";
    if (!g->pages || g->pages > HC_GRANT_MAX_PAGES || g->address % WORLD_PAGE ||
        !partition_range_in_ram(p, g->address, g->pages * WORLD_PAGE))
        return "a grant of pages outside the granter's RAM";
    if (g->mapped && mappings_of(p, g) != 1)
        return "a mapped grant that is not in the grantee's EPT";
    return 0;
}

static const char *check_mapping(const struct world_mapping *m)
{
    if (!known_id(m->grantee) || !known_id(m->granter) || m->grantee == m->granter)
        return "a foreign mapping between unknown or equal partitions";
    const struct partition *grantee = world_partition(m->grantee);
    const struct partition *granter = world_partition(m->granter);
    if (m->address < grantee->ram_size)
        return "a foreign mapping inside the grantee's own RAM";
    uint64_t window_end = grantee->ram_size + HC_GRANT_WINDOW_SIZE;
    if (m->address >= window_end || m->size > window_end - m->address)
        return "a foreign mapping past the grant window";
    if (!partition_range_in_ram(granter, m->granter_address, m->size))
        return "a foreign mapping of memory outside the granter's RAM";
    if (grantee->state == PARTITION_DESTROYED || granter->state == PARTITION_DESTROYED)
        return "a foreign mapping that outlived a partition";
    return 0;
}

static const char *check_partition(const struct partition *p, unsigned *mapped_grants)
{
    const char *problem = 0;

    for (unsigned i = 0; i < HC_EVENT_PORTS && !problem; i++)
        problem = check_port(p, i);
    for (unsigned i = 0; i < HC_GRANTS && !problem; i++) {
        problem = check_grant(p, &p->grants.grants[i]);
        *mapped_grants += p->grants.grants[i].mapped;
    }
    /* A partition whose run ended drops its translations before it enters
     * again (every entry after a new run checks the EPT generation). */
    if (!problem && p->state == PARTITION_RUNNING && world.records[p->id - 1].unflushed_unmaps)
        problem = "a hypercall returned before the grantee's EPT was flushed";
    return problem;
}

const char *world_check(void)
{
    unsigned mapped_grants = 0;
    const char *problem = world.violation;

    for (unsigned id = 1; id <= WORLD_PARTITIONS && !problem; id++)
        problem = check_partition(world_partition(id), &mapped_grants);
    for (unsigned i = 0; i < WORLD_MAPPINGS && !problem; i++) {
        if (world.mappings[i].used)
            problem = check_mapping(&world.mappings[i]);
    }
    if (!problem && mapped_grants != world_mapping_count())
        problem = "a foreign mapping that no grant accounts for";
    return problem;
}
