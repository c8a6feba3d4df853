#include "hv/ioreq.h"

#include <stddef.h>

#include "hv/device_model.h"
#include "hv/partition.h"
#include "hv/spinlock.h"

struct port_range {
    uint16_t first;
    uint32_t count;
};

struct mmio_range {
    uint64_t base, length;
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
    unsigned claim_count, mmio_claim_count;
    struct port_range claims[HC_IOREQ_CLAIMS];
    struct mmio_range mmio_claims[HC_IOREQ_CLAIMS];
    struct request requests[HC_IOREQ_SLOTS];
    uint64_t sequence;
} server;

#define PAGE 4096ull

static bool post(struct partition *to, unsigned slot, const struct hc_ioreq *request);

/* A server that starts (again) learns of the requests still waiting: their
 * vCPUs have been paused since the previous server went away. */
static void repost_pending(struct partition *to)
{
    for (unsigned slot = 0; slot < HC_IOREQ_SLOTS; slot++) {
        if (server.requests[slot].pending)
            post(to, slot, &server.requests[slot].posted);
    }
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
        server.vcpu = caller;
        server.page = page;
        repost_pending(p);
    }
    spin_unlock(&server.lock);
    return result;
}

bool ioreq_server_has_work(const struct vcpu *v)
{
    return v == __atomic_load_n(&server.vcpu, __ATOMIC_RELAXED) &&
           __atomic_load_n(&server.outstanding, __ATOMIC_SEQ_CST) != 0;
}

/* Under the lock: whether the caller serves and has room for a claim. */
static int64_t may_claim(const struct partition *caller, unsigned claims_made)
{
    return server.partition != caller ? HC_EPERM : claims_made == HC_IOREQ_CLAIMS ? HC_ENOSPC : 0;
}

int64_t ioreq_claim(struct partition *caller, uint64_t first_port, uint64_t count)
{
    if (!count || first_port > 0xffff || count > 0x10000 - first_port)
        return HC_EINVAL;
    spin_lock(&server.lock);
    int64_t result = may_claim(caller, server.claim_count);
    if (!result)
        server.claims[server.claim_count++] =
            (struct port_range){(uint16_t)first_port, (uint32_t)count};
    spin_unlock(&server.lock);
    return result;
}

int64_t ioreq_claim_mmio(struct partition *caller, uint64_t base, uint64_t length)
{
    if (!length || base % PAGE || length % PAGE || base >= IOREQ_MMIO_LIMIT ||
        length > IOREQ_MMIO_LIMIT - base)
        return HC_EINVAL;
    spin_lock(&server.lock);
    int64_t result = may_claim(caller, server.mmio_claim_count);
    if (!result)
        server.mmio_claims[server.mmio_claim_count++] = (struct mmio_range){base, length};
    spin_unlock(&server.lock);
    return result;
}

bool ioreq_mmio_claimed(uint64_t address, unsigned size)
{
    for (unsigned i = 0; i < server.mmio_claim_count; i++) {
        const struct mmio_range *claim = &server.mmio_claims[i];
        if (address >= claim->base && address - claim->base < claim->length &&
            size <= claim->length - (address - claim->base))
            return true;
    }
    return false;
}

bool ioreq_port_claimed(uint16_t port)
{
    for (unsigned i = 0; i < server.claim_count; i++) {
        if (port >= server.claims[i].first &&
            (uint32_t)(port - server.claims[i].first) < server.claims[i].count)
            return true;
    }
    return false;
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

/* Posts the request the caller filled in (kind, port or address, size,
 * direction, data) and waits for its answer. */
static bool forward(struct vcpu *vcpu, struct hc_ioreq what, uint32_t *value)
{
    unsigned slot = vcpu->cpu_index; /* below HC_IOREQ_SLOTS: see the assertion above */
    struct request *r = &server.requests[slot];
    bool out = what.write;

    spin_lock(&server.lock);
    *r = (struct request){.pending = true, .vcpu = vcpu};
    __atomic_add_fetch(&server.outstanding, 1, __ATOMIC_SEQ_CST);
    what.state = HC_IOREQ_PENDING;
    what.partition_id = vcpu->partition->id;
    what.vcpu = vcpu->index;
    what.data = out ? *value : 0;
    what.sequence = ++server.sequence;
    r->posted = what;
    /* While the server restarts there is nobody to tell yet: the request
     * waits, and the server hears of it when it registers again. */
    struct partition *to = server.partition;
    if (to)
        post(to, slot, &r->posted);
    struct vcpu *server_vcpu = to ? server.vcpu : 0;
    spin_unlock(&server.lock);

    wake_server(server_vcpu);
    if (!partition_vcpu_wait_for(vcpu, &r->pending))
        return false;
    if (!out)
        *value = r->data;
    return true;
}

bool ioreq_forward(struct vcpu *vcpu, uint16_t port, unsigned size, bool out, uint32_t *value,
                   uint32_t rep_count)
{
    struct hc_ioreq what = {.kind = HC_IOREQ_PORT,
                            .port = port,
                            .size = (uint8_t)size,
                            .write = out,
                            .rep_count = rep_count};

    return forward(vcpu, what, value);
}

bool ioreq_forward_mmio(struct vcpu *vcpu, uint64_t address, unsigned size, bool write,
                        uint32_t *value)
{
    struct hc_ioreq what = {
        .kind = HC_IOREQ_MMIO, .address = address, .size = (uint8_t)size, .write = write};

    return forward(vcpu, what, value);
}

/* Whether a server registered and has not gone for good. */
static bool serving(void)
{
    return __atomic_load_n(&server.claims_owner, __ATOMIC_ACQUIRE) != 0;
}

static bool forward_pci_config(struct vcpu *vcpu, const struct device_access *a, uint32_t *value)
{
    struct hc_ioreq what = {.kind = HC_IOREQ_PCI_CONFIG,
                            .address = a->address,
                            .size = (uint8_t)a->size,
                            .write = a->write};

    return forward(vcpu, what, value);
}

/* Whether the server said it serves the address, which the partition's
 * config names: only then does the access become a request. */
static bool server_claimed(const struct device_access *a)
{
    switch (a->space) {
    case DEVICE_SPACE_PORT:
        return ioreq_port_claimed((uint16_t)a->address);
    case DEVICE_SPACE_MMIO:
        return ioreq_mmio_claimed(a->address, a->size);
    case DEVICE_SPACE_PCI:
        return serving(); /* the config names the function; the server answers it */
    default:
        return false;
    }
}

static bool forward_access(struct vcpu *vcpu, const struct device_access *a, uint32_t *value)
{
    if (a->space == DEVICE_SPACE_PORT)
        return ioreq_forward(vcpu, (uint16_t)a->address, a->size, a->write, value, a->rep_count);
    if (a->space == DEVICE_SPACE_MMIO)
        return ioreq_forward_mmio(vcpu, a->address, a->size, a->write, value);
    return forward_pci_config(vcpu, a, value);
}

static enum device_result forward_model_access(struct vcpu *vcpu, void *state,
                                               struct device_access *a)
{
    uint32_t value = (uint32_t)a->value;

    if (!server_claimed(a))
        return device_bare_metal.access(vcpu, state, a);
    if (!forward_access(vcpu, a, &value))
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
    if (!result)
        waiting = finish(r, (uint32_t)value);
    spin_unlock(&server.lock);
    if (waiting)
        partition_wake_vcpu(waiting);
    return result;
}

void ioreq_server_suspend(const struct partition *server_partition)
{
    spin_lock(&server.lock);
    if (server.partition == server_partition) {
        server.partition = 0;
        server.vcpu = 0;
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
        server.vcpu = 0;
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
