#include "hv/device_irq.h"

#include "include/bulkhead/hypercall.h"
#include "hv/log.h"
#include "hv/partition.h"
#include "hv/spinlock.h"

#define FIRST_GUEST_VECTOR 32 /* below: exceptions */

struct binding {
    struct partition *owner; /* 0: unbound, the pin masked */
    uint8_t vector;
    bool level;         /* PCI INTx: masked at each interrupt until the owner unmasks it */
    bool waiting_owner; /* level: masked by the last interrupt */
    uint64_t delivered;
};

static struct binding bindings[DEVICE_IRQ_COUNT];
static struct spinlock bindings_lock;

/* The owned device that has this IRQ, or 0. */
static const struct config_device *device_with_irq(const struct partition *p, uint64_t irq)
{
    const struct config_partition *c = p->config;

    for (unsigned i = 0; irq != 0 && i < c->device_count; i++) {
        if (p->device_irqs[i] == irq)
            return &c->devices[i];
    }
    return 0;
}

static void unbind_locked(unsigned irq)
{
    struct binding *b = &bindings[irq];

    arch_irq_mask(irq);
    log_line("partition %s: IRQ %u masked again, %llu interrupts delivered",
             partition_name(b->owner), irq, (unsigned long long)b->delivered);
    __atomic_store_n(&b->owner, 0, __ATOMIC_RELEASE);
}

/* The pin is masked while the binding changes, so no interrupt reaches an
 * owner with half of it written. */
static int64_t bind_locked(struct partition *p, unsigned irq, uint8_t vector,
                           const struct config_device *device)
{
    struct binding *b = &bindings[irq];
    char name[CONFIG_DEVICE_NAME_LEN];

    arch_irq_mask(irq);
    __atomic_store_n(&b->owner, 0, __ATOMIC_RELEASE);
    b->vector = vector;
    b->level = config_device_irq_is_level(device);
    b->waiting_owner = false;
    b->delivered = 0;
    __atomic_store_n(&b->owner, p, __ATOMIC_RELEASE);
    if (!arch_irq_route(irq, p->boot_cpu, b->level)) {
        __atomic_store_n(&b->owner, 0, __ATOMIC_RELEASE);
        return HC_ENOENT;
    }
    config_device_name(device, name, sizeof(name));
    log_line("partition %s: IRQ %u (%s) bound to its vector 0x%x on cpu%u%s", partition_name(p),
             irq, name, vector, p->boot_cpu,
             b->level ? ", level-triggered: unmasked by the owner after each" : "");
    return 0;
}

int64_t device_irq_bind(struct partition *p, uint64_t irq, uint64_t vector)
{
    const struct config_device *device;
    int64_t result = 0;

    if (vector != 0 && (vector < FIRST_GUEST_VECTOR || vector > 0xff))
        return HC_EINVAL;
    device = irq < DEVICE_IRQ_COUNT ? device_with_irq(p, irq) : 0;
    if (!device)
        return HC_EPERM;
    spin_lock(&bindings_lock);
    if (vector != 0)
        result = bind_locked(p, (unsigned)irq, (uint8_t)vector, device);
    else if (bindings[irq].owner == p)
        unbind_locked((unsigned)irq);
    spin_unlock(&bindings_lock);
    return result;
}

int64_t device_irq_unmask(struct partition *p, uint64_t irq)
{
    struct binding *b;
    int64_t result = 0;

    if (irq >= DEVICE_IRQ_COUNT || !device_with_irq(p, irq))
        return HC_EPERM;
    b = &bindings[irq];
    spin_lock(&bindings_lock);
    if (b->owner != p)
        result = HC_ENOENT;
    else if (b->level && b->waiting_owner) {
        b->waiting_owner = false;
        arch_irq_unmask(irq);
    }
    spin_unlock(&bindings_lock);
    return result;
}

void device_irq_release(struct partition *p)
{
    spin_lock(&bindings_lock);
    for (unsigned irq = 0; irq < DEVICE_IRQ_COUNT; irq++) {
        if (bindings[irq].owner == p)
            unbind_locked(irq);
    }
    spin_unlock(&bindings_lock);
}

/* A level line stays asserted until the owner quiets its device: its pin
 * is masked here, before the caller's EOI, or the IOAPIC would send it
 * again at once. The lock orders these pin writes against the owner's
 * unmask (the IOAPIC's window is one register pair); the hypervisor holds
 * it only with interrupts off, so it is never held on this CPU. */
static void mask_level_line(struct binding *b, unsigned irq)
{
    spin_lock(&bindings_lock);
    if (b->owner) {
        arch_irq_mask(irq);
        b->waiting_owner = true;
    }
    spin_unlock(&bindings_lock);
}

/* Runs in interrupt context: a binding's owner is published last and
 * partitions are never freed, so at worst a stopped owner gets one
 * interrupt it will not look at. */
void device_irq_raised(unsigned irq)
{
    struct binding *b = irq < DEVICE_IRQ_COUNT ? &bindings[irq] : 0;
    struct partition *owner = b ? __atomic_load_n(&b->owner, __ATOMIC_ACQUIRE) : 0;

    if (!owner)
        return;
    if (b->level)
        mask_level_line(b, irq);
    __atomic_add_fetch(&b->delivered, 1, __ATOMIC_RELAXED);
    partition_deliver_interrupt(owner, 0, b->vector);
}
