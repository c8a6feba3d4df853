#include "hv/ioreq.h"

#include <stddef.h>

#include "hv/device_model.h"
#include "hv/ioreq_poll.h"
#include "hv/ioreq_posted.h"
#include "hv/partition.h"
#include "hv/spinlock.h"
#include "lib/string.h"

struct claim {
    uint64_t first, length; /* ports, or guest-physical bytes */
    uint32_t flags;         /* HC_IOREQ_POSTED_WRITES */
};

struct request {
    volatile bool pending;
    uint32_t data; /* the answer */
    struct vcpu *vcpu;
    struct hc_ioreq posted; /* what the server was told */
};

static struct {
    struct spinlock lock;
    struct partition *partition;          /* 0: no server (or it is restarting) */
    const struct partition *claims_owner; /* whose claims stand */
    struct vcpu *vcpu;                    /* the server's vCPU, woken for requests */
    uint64_t page;
    unsigned outstanding; /* requests posted and not yet completed */
    struct posted_ring posted;
    unsigned claim_count, mmio_claim_count;
    struct claim claims[HC_IOREQ_CLAIMS];
    struct claim mmio_claims[HC_IOREQ_CLAIMS];
    struct request requests[HC_IOREQ_SLOTS];
    uint64_t sequence;
} server;

#define PAGE 4096ull

static bool post(struct partition *to, unsigned slot, const struct hc_ioreq *request);

/* Under the lock: the vCPU that serves, marked so that its HC_BLOCK knows
 * without asking (vcpu.h). */
static void set_server_vcpu(struct vcpu *v)
{
    if (server.vcpu)
        __atomic_store_n(&server.vcpu->serves_io, false, __ATOMIC_RELEASE);
    server.vcpu = v;
    if (v)
        __atomic_store_n(&v->serves_io, true, __ATOMIC_RELEASE);
}

/* A server that starts (again) learns of the requests still waiting: their
 * vCPUs have been paused since the previous server went away. */
static void repost_pending(struct partition *to)
{
    for (unsigned slot = 0; slot < HC_IOREQ_SLOTS; slot++) {
        if (server.requests[slot].pending)
            post(to, slot, &server.requests[slot].posted);
    }
}

/* Where the server's ring of posted writes lives. */
static struct posted_page posted_page(const struct partition *to)
{
    return (struct posted_page){partition_guest_memory(to), server.page};
}

/* The requests still waiting appear in the new page, and the server finds
 * them before it sleeps. */
int64_t ioreq_register_server(struct vcpu *caller, uint64_t page)
{
    struct partition *p = caller->partition;

    if (page % PAGE)
        return HC_EINVAL;
    if (!partition_range_in_ram(p, page, sizeof(struct hc_ioreq_page)))
        return HC_EFAULT;
    spin_lock(&server.lock);
    int64_t result = server.partition && server.partition != p ? HC_EBUSY : 0;
    if (!result) {
        server.partition = p;
        server.claims_owner = p;
        set_server_vcpu(caller);
        server.page = page;
        struct posted_page ring = posted_page(p);
        posted_ring_move_to(&server.posted, &ring);
        repost_pending(p);
    }
    spin_unlock(&server.lock);
    return result;
}

bool ioreq_requests_wait(const struct vcpu *v)
{
    if (v != __atomic_load_n(&server.vcpu, __ATOMIC_RELAXED))
        return false;
    if (__atomic_load_n(&server.outstanding, __ATOMIC_SEQ_CST))
        return true;
    struct posted_page ring = posted_page(v->partition);
    return posted_ring_unread(&server.posted, &ring);
}

/* Under the lock: whether the caller serves and has room for a claim. */
static int64_t may_claim(const struct partition *caller, unsigned claims_made)
{
    return server.partition != caller ? HC_EPERM : claims_made == HC_IOREQ_CLAIMS ? HC_ENOSPC : 0;
}

static bool already_claimed(const struct claim *claims, unsigned count, struct claim claim)
{
    for (unsigned i = 0; i < count; i++) {
        if (claims[i].first == claim.first && claims[i].length == claim.length &&
            claims[i].flags == claim.flags)
            return true;
    }
    return false;
}

/* Claims stand while their server restarts; the restarted server claims
 * them again, which takes no more room. */
static int64_t add_claim(struct partition *caller, struct claim *claims, unsigned *count,
                         struct claim claim)
{
    if (claim.flags & ~(uint32_t)HC_IOREQ_POSTED_WRITES)
        return HC_EINVAL;
    spin_lock(&server.lock);
    bool again = already_claimed(claims, *count, claim);
    int64_t result = may_claim(caller, again ? 0 : *count);
    if (!result && !again)
        claims[(*count)++] = claim;
    spin_unlock(&server.lock);
    return result;
}

int64_t ioreq_claim(struct partition *caller, uint64_t first_port, uint64_t count, uint64_t flags)
{
    if (!count || first_port > 0xffff || count > 0x10000 - first_port || flags > UINT32_MAX)
        return HC_EINVAL;
    return add_claim(caller, server.claims, &server.claim_count,
                     (struct claim){first_port, count, (uint32_t)flags});
}

int64_t ioreq_claim_mmio(struct partition *caller, uint64_t base, uint64_t length, uint64_t flags)
{
    if (!length || base % PAGE || length % PAGE || base >= IOREQ_MMIO_LIMIT ||
        length > IOREQ_MMIO_LIMIT - base || flags > UINT32_MAX)
        return HC_EINVAL;
    return add_claim(caller, server.mmio_claims, &server.mmio_claim_count,
                     (struct claim){base, length, (uint32_t)flags});
}

/* The claim that covers [address, address + size) wholly, or 0. */
static const struct claim *find_claim(const struct claim *claims, unsigned count, uint64_t address,
                                      unsigned size)
{
    for (unsigned i = 0; i < count; i++) {
        const struct claim *c = &claims[i];
        if (address >= c->first && address - c->first < c->length &&
            size <= c->length - (address - c->first))
            return c;
    }
    return 0;
}

/* The server's copy of the slot, then its bit: whoever sees the bit finds
 * the request in place. */
static bool post(struct partition *to, unsigned slot, const struct hc_ioreq *request)
{
    struct guest_memory memory = partition_guest_memory(to);
    uint64_t at = server.page + offsetof(struct hc_ioreq_page, slots) + slot * sizeof(*request);
    uint64_t *pending = guest_shared_word(
        &memory, server.page + offsetof(struct hc_ioreq_page, pending) + slot / 64 * 8);

    if (!pending || !guest_copy_to(&memory, at, request, sizeof(*request)))
        return false;
    __atomic_fetch_or(pending, 1ull << (slot % 64), __ATOMIC_SEQ_CST);
    return true;
}

/* A server that is awake finds the request before it sleeps again: only a
 * sleeping one is woken (see partition_vcpu_block). */
static void wake_server(struct vcpu *server_vcpu)
{
    if (server_vcpu && __atomic_load_n(&server_vcpu->blocked, __ATOMIC_SEQ_CST))
        partition_wake_vcpu(server_vcpu);
}

_Static_assert(HC_IOREQ_SLOTS >= CONFIG_MAX_CPUS, "a request slot for every CPU");

static bool answered(const void *request)
{
    return !__atomic_load_n(&((const struct request *)request)->pending, __ATOMIC_ACQUIRE);
}

static bool has_work(const void *vcpu)
{
    return ioreq_server_has_work(vcpu);
}

void ioreq_poll_for_requests(const struct vcpu *v)
{
    if (v == __atomic_load_n(&server.vcpu, __ATOMIC_RELAXED))
        ioreq_poll(has_work, v, IOREQ_POLL_SERVER);
}

/* Under the lock: who asks, the value written, and the next number. */
static void stamp(struct vcpu *vcpu, struct hc_ioreq *what, uint32_t written)
{
    what->state = HC_IOREQ_PENDING;
    what->partition_id = vcpu->partition->id;
    what->vcpu = vcpu->index;
    what->data = what->write ? written : 0;
    what->sequence = ++server.sequence;
}

/* Posts the request the caller filled in (kind, port or address, size,
 * direction) and waits for its answer. */
static bool forward(struct vcpu *vcpu, struct hc_ioreq what, uint32_t *value)
{
    unsigned slot = vcpu->cpu_index; /* below HC_IOREQ_SLOTS: see the assertion above */
    struct request *r = &server.requests[slot];
    bool out = what.write;

    spin_lock(&server.lock);
    *r = (struct request){.pending = true, .vcpu = vcpu};
    __atomic_add_fetch(&server.outstanding, 1, __ATOMIC_SEQ_CST);
    stamp(vcpu, &what, *value);
    r->posted = what;
    /* While the server restarts there is nobody to tell yet: the request
     * waits, and the server hears of it when it registers again. */
    struct partition *to = server.partition;
    if (to)
        post(to, slot, &r->posted);
    struct vcpu *server_vcpu = to ? server.vcpu : 0;
    spin_unlock(&server.lock);

    wake_server(server_vcpu);
    trace_posted(vcpu->trace);
    ioreq_poll(answered, r, IOREQ_POLL_WAITER);
    if (!partition_vcpu_wait_for(vcpu, &r->pending))
        return false;
    trace_stamp(vcpu->trace, TRACE_RUNNING);
    if (!out)
        *value = r->data;
    return true;
}

/* A write that needs no answer: the vCPU goes on at once. Without a server
 * or room it waits as any request, which also keeps it behind the ring. */
static bool post_write(struct vcpu *vcpu, struct hc_ioreq what, uint32_t value)
{
    spin_lock(&server.lock);
    struct partition *to = server.partition;
    bool posted = false;
    if (to) {
        struct posted_page ring = posted_page(to);
        stamp(vcpu, &what, value);
        posted = posted_ring_append(&server.posted, &ring, &what);
    }
    struct vcpu *server_vcpu = posted ? server.vcpu : 0;
    spin_unlock(&server.lock);
    wake_server(server_vcpu);
    return posted;
}

void ioreq_trace_server_woken(uint64_t asleep_since)
{
    if (!TRACE_ON)
        return;
    spin_lock(&server.lock);
    for (unsigned slot = 0; slot < HC_IOREQ_SLOTS; slot++) {
        if (!server.requests[slot].pending)
            continue;
        uint64_t *stamps = server.requests[slot].vcpu->trace;
        if (stamps[TRACE_POSTED] > asleep_since && !stamps[TRACE_WOKEN])
            trace_stamp(stamps, TRACE_WOKEN);
    }
    spin_unlock(&server.lock);
}

bool ioreq_claims_made(void)
{
    return __atomic_load_n(&server.claim_count, __ATOMIC_ACQUIRE) +
               __atomic_load_n(&server.mmio_claim_count, __ATOMIC_ACQUIRE) !=
           0;
}

/* Whether a server registered and has not gone for good. */
static bool serving(void)
{
    return __atomic_load_n(&server.claims_owner, __ATOMIC_ACQUIRE) != 0;
}

/* The flags of the server's claim that covers the access (the partition's
 * config named the range already), or -1 when the server serves none.
 * PCI functions need no claim: the server answers every one. */
static int64_t claim_flags(const struct device_access *a)
{
    const struct claim *c = 0;

    switch (a->space) {
    case DEVICE_SPACE_PORT:
        c = find_claim(server.claims, server.claim_count, a->address, 1);
        break;
    case DEVICE_SPACE_MMIO:
        c = find_claim(server.mmio_claims, server.mmio_claim_count, a->address, a->size);
        break;
    case DEVICE_SPACE_PCI:
        return serving() ? 0 : -1;
    default:
        break;
    }
    return c ? (int64_t)c->flags : -1;
}

static struct hc_ioreq request_for(const struct device_access *a)
{
    struct hc_ioreq what = {.size = (uint8_t)a->size,
                            .write = a->write,
                            .rep_count = a->rep_count,
                            .count = a->count,
                            .address = a->buffer};

    if (a->space == DEVICE_SPACE_PORT) {
        what.kind = HC_IOREQ_PORT;
        what.port = (uint16_t)a->address;
    } else {
        what.kind = a->space == DEVICE_SPACE_MMIO ? HC_IOREQ_MMIO : HC_IOREQ_PCI_CONFIG;
        what.address = a->address;
    }
    return what;
}

static enum device_result forward_model_access(struct vcpu *vcpu, void *state,
                                               struct device_access *a)
{
    uint32_t value = (uint32_t)a->value;
    int64_t flags = claim_flags(a);

    if (flags < 0) /* a block goes element by element to bare metal */
        return a->count ? DEVICE_NO_MODEL : device_bare_metal.access(vcpu, state, a);
    /* A block's bytes stay in guest memory, which may change once the
     * instruction is done: never posted. */
    if (a->write && !a->count && (flags & HC_IOREQ_POSTED_WRITES) &&
        post_write(vcpu, request_for(a), value))
        return DEVICE_DONE;
    if (!forward(vcpu, request_for(a), &value))
        return DEVICE_STOP_VCPU;
    if (!a->write)
        a->value = value;
    return DEVICE_DONE;
}

const struct device_model ioreq_forward_model = {"forward to the I/O server", forward_model_access};

/* Under the lock: the waiting request is done. */
static struct vcpu *finish(struct request *r, uint32_t data)
{
    r->data = data;
    __atomic_sub_fetch(&server.outstanding, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&r->pending, false, __ATOMIC_RELEASE);
    return r->vcpu;
}

/* Only the RAM of a running full partition whose config names a model the
 * server serves; nothing is read or written unless both ranges are whole. */
int64_t ioreq_copy(struct partition *caller, const struct ioreq_copy *c)
{
    struct partition *target = partition_by_id(c->partition_id);

    if (c->flags & ~(uint64_t)HC_IOREQ_COPY_TO_PARTITION || c->length > HC_IOREQ_COPY_MAX)
        return HC_EINVAL;
    if (__atomic_load_n(&server.partition, __ATOMIC_ACQUIRE) != caller)
        return HC_EPERM;
    if (!target || target == caller)
        return HC_ENOENT;
    if (!target->config->emulated_count)
        return HC_EPERM;
    if (target->state != PARTITION_RUNNING)
        return HC_EBUSY;
    struct guest_memory own = partition_guest_memory(caller);
    struct guest_memory served = partition_guest_memory(target);
    uint8_t *buffer = guest_range_bytes(&own, c->buffer, c->length);
    uint8_t *device_memory = guest_range_bytes(&served, c->address, c->length);
    if (!buffer || !device_memory)
        return HC_EFAULT;
    if (c->flags & HC_IOREQ_COPY_TO_PARTITION)
        memcpy(device_memory, buffer, c->length);
    else
        memcpy(buffer, device_memory, c->length);
    return 0;
}

int64_t ioreq_complete(struct partition *caller, uint64_t slot, uint64_t value, uint64_t sequence)
{
    if (slot >= HC_IOREQ_SLOTS)
        return HC_EINVAL;
    spin_lock(&server.lock);
    struct request *r = &server.requests[slot];
    int64_t result = server.partition != caller                      ? HC_EPERM
                     : !r->pending || r->posted.sequence != sequence ? HC_ENOENT
                                                                     : 0;
    struct vcpu *waiting = 0;
    if (!result) {
        trace_stamp(r->vcpu->trace, TRACE_ANSWERED);
        waiting = finish(r, (uint32_t)value);
    }
    spin_unlock(&server.lock);
    if (waiting)
        partition_wake_vcpu(waiting);
    return result;
}

void ioreq_server_suspend(const struct partition *server_partition)
{
    spin_lock(&server.lock);
    if (server.partition == server_partition) {
        struct posted_page ring = posted_page(server.partition);
        posted_ring_server_left(&server.posted, &ring);
        server.partition = 0;
        set_server_vcpu(0);
    }
    spin_unlock(&server.lock);
}

/* Gone for good: requests still waiting get the bare-metal answer. */
void ioreq_server_gone(const struct partition *gone)
{
    struct vcpu *to_wake[HC_IOREQ_SLOTS];
    unsigned wakes = 0;

    spin_lock(&server.lock);
    if (server.partition == gone || server.claims_owner == gone) {
        server.partition = 0;
        server.claims_owner = 0;
        set_server_vcpu(0);
        posted_ring_drop(&server.posted);
        server.claim_count = 0;
        server.mmio_claim_count = 0;
        for (unsigned slot = 0; slot < HC_IOREQ_SLOTS; slot++) {
            if (server.requests[slot].pending)
                to_wake[wakes++] = finish(&server.requests[slot], 0xffffffffu);
        }
    }
    spin_unlock(&server.lock);
    for (unsigned i = 0; i < wakes; i++)
        partition_wake_vcpu(to_wake[i]);
}
