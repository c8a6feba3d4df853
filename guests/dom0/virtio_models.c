/*
 * The PCI transport of dom0's virtio devices (virtio spec 4.1), modern
 * functions whose registers lie behind one memory BAR:
 *   virtio-blk      1af4:1042 at 00:02.0, BAR 0xc0000000, one request queue:
 *                   each full (or pv) partition whose config says `disk =
 *                   virtio:...`;
 *   virtio-console  1af4:1043 at 00:03.0, BAR 0xc0008000, a receive and a
 *                   transmit queue: each partition with `console = virtio`.
 *
 * A function lists vendor capabilities that place the common configuration
 * at BAR 4 + 0x0000, the ISR at 0x1000, the device's configuration at
 * 0x2000 and the notification area at 0x3000, and an MSI-X capability whose
 * table (2 vectors: the configuration's and the queues') lies at 0x4000 and
 * its pending bits at 0x5000. The BAR does not move. A queue has up to
 * QUEUE_SIZE entries; a block request has at most VIRTIO_BLK_SEG_MAX data
 * segments of at most SIZE_MAX_BYTES each.
 *
 * A notification is a posted write: the guest's vCPU goes on at once and
 * dom0 serves the queue when it takes the write; completions come back as
 * the queue's MSI-X message. No INTx: a driver without MSI-X gets no
 * interrupt. The queues live in the partition's RAM, which dom0 reaches
 * only through HC_IOREQ_COPY (the hypervisor checks every range).
 */
#include "guests/dom0/virtio_models.h"

#include "guests/dom0/console.h"
#include "guests/dom0/virtio_blk.h"
#include "guests/dom0/virtio_console.h"
#include "guests/lib/console.h"
#include "guests/lib/hypercall.h"
#include "include/bulkhead/device_models.h"
#include "lib/string.h"

#define PCI_CONFIG_BYTES     256
#define PCI_FUNCTION_BLK     (MODEL_VIRTIO_BLK_PCI_SLOT << 11) /* bus 0, function 0 */
#define PCI_FUNCTION_CONSOLE (MODEL_VIRTIO_CONSOLE_PCI_SLOT << 11)
#define PCI_COMMAND          0x04
#define PCI_COMMAND_WRITABLE 0x0406 /* memory space, bus master, INTx disable */
#define PCI_STATUS_CAPS      0x0010
#define PCI_BAR4             0x20
#define PCI_CAPABILITIES     0x34
#define CLASS_STORAGE_OTHER  0x0180
#define CLASS_SERIAL_OTHER   0x0780 /* a communication controller */
#define SUBSYSTEM_BLK        2      /* the virtio device types */
#define SUBSYSTEM_CONSOLE    3

#define BLK_BAR       MODEL_VIRTIO_BLK_BAR
#define CONSOLE_BAR   MODEL_VIRTIO_CONSOLE_BAR
#define BAR_SIZE      MODEL_VIRTIO_BAR_SIZE
#define COMMON_OFFSET 0x0000u
#define ISR_OFFSET    0x1000u
#define DEVICE_OFFSET 0x2000u
#define NOTIFY_OFFSET 0x3000u
#define MSIX_OFFSET   0x4000u
#define PBA_OFFSET    0x5000u
#define REGION_SIZE   0x1000u
#define BAR_INDEX     4u

#define CAP_MSIX        0x40 /* 12 bytes */
#define CAP_COMMON      0x4c /* 16 bytes each, the notification's 20 */
#define CAP_NOTIFY      0x5c
#define CAP_ISR         0x70
#define CAP_DEVICE      0x80
#define PCI_CAP_MSIX_ID 0x11
#define MSIX_ENABLE     0x8000
#define MSIX_MASK_ALL   0x4000

#define MSIX_VECTORS    2
#define MAX_QUEUES      2
#define MSIX_ENTRY_MASK 1u
#define QUEUE_SIZE      128
/* A request's chain: its data segments of at most size_max bytes each, the
 * header and the status byte. A driver keeps within it; a chain beyond it
 * is refused. */
#define SIZE_MAX_BYTES 0x10000u
#define CHAIN_LIMIT    (VIRTIO_BLK_SEG_MAX * SIZE_MAX_BYTES + 0x1000u)

#define BLK_OFFERED                                                                                \
    (VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH | VIRTIO_F_VERSION_1)
#define CONSOLE_OFFERED VIRTIO_F_VERSION_1 /* one port, no size, no emergency write */

struct msix_entry {
    uint32_t address, address_high, data, control;
};

struct virtio_device;

/* What makes a function a block device or a console. */
struct virtio_kind {
    uint16_t device_id, class_code, subsystem;
    uint32_t bar;
    uint64_t offered;
    unsigned queue_count;
    bool (*present)(const struct virtio_device *d);
    uint32_t (*config_read)(const struct virtio_device *d, unsigned offset);
    /* Serves queue `index` after the driver's notification; how many
     * chains went back (each one is to interrupt the driver). */
    unsigned (*serve)(struct virtio_device *d, unsigned index);
};

struct virtio_queue_state {
    uint16_t size, vector, enable;
    uint64_t desc, driver, device;
    struct virtqueue queue;
};

struct virtio_device {
    const struct virtio_kind *kind;
    uint32_t partition_id;
    struct disk_store disk; /* a block device: sectors 0 when the partition has none */
    struct virtio_console console;
    uint8_t config[PCI_CONFIG_BYTES];
    bool sizing_bar;
    uint32_t device_feature_select, driver_feature_select;
    uint64_t driver_features;
    uint16_t msix_config, queue_select;
    uint8_t status, isr;
    struct virtio_queue_state queues[MAX_QUEUES];
    struct msix_entry msix[MSIX_VECTORS];
    uint64_t pending; /* MSI-X vectors raised while masked */
    unsigned served, refused;
};

static const struct virtio_kind blk_kind, console_kind;
static struct virtio_device blk_devices[MODEL_MAX_PARTITION + 1];
static struct virtio_device console_devices[MODEL_MAX_PARTITION + 1];

/* ---- the partition's RAM, through HC_IOREQ_COPY ------------------------- */

static uint8_t bounce[HC_IOREQ_COPY_MAX];

static bool ram_copy(struct virtio_device *d, uint64_t guest_phys, uint8_t *bytes, uint32_t length,
                     bool to_partition)
{
    while (length) {
        uint32_t part = length < sizeof(bounce) ? length : (uint32_t)sizeof(bounce);
        if (to_partition)
            memcpy(bounce, bytes, part);
        if (hc_ioreq_copy(d->partition_id, guest_phys, bounce, part,
                          to_partition ? HC_IOREQ_COPY_TO_PARTITION : 0) != 0)
            return false;
        if (!to_partition)
            memcpy(bytes, bounce, part);
        guest_phys += part;
        bytes += part;
        length -= part;
    }
    return true;
}

static bool ram_read(void *context, uint64_t guest_phys, void *buffer, uint32_t length)
{
    return ram_copy(context, guest_phys, buffer, length, false);
}

static bool ram_write(void *context, uint64_t guest_phys, const void *buffer, uint32_t length)
{
    return ram_copy(context, guest_phys, (uint8_t *)buffer, length, true);
}

/* Whether a range lies in the partition's RAM, the hypervisor decides at
 * each copy; here only a range that wraps is refused at once. */
static bool ram_contains(void *context, uint64_t guest_phys, uint64_t length)
{
    (void)context;
    return length && guest_phys + length - 1 >= guest_phys;
}

/* ---- interrupts --------------------------------------------------------- */

static uint16_t msix_control(const struct virtio_device *d)
{
    return (uint16_t)(d->config[CAP_MSIX + 2] | d->config[CAP_MSIX + 3] << 8);
}

static bool vector_masked(const struct virtio_device *d, unsigned vector)
{
    return (msix_control(d) & MSIX_MASK_ALL) || (d->msix[vector].control & MSIX_ENTRY_MASK);
}

static void deliver(struct virtio_device *d, unsigned vector)
{
    const struct msix_entry *e = &d->msix[vector];

    if (e->address_high == 0)
        hc_irq_msi(d->partition_id, e->address, e->data);
}

static void raise_vector(struct virtio_device *d, uint16_t vector)
{
    if (vector >= MSIX_VECTORS || !(msix_control(d) & MSIX_ENABLE))
        return;
    if (vector_masked(d, vector))
        d->pending |= 1ull << vector;
    else
        deliver(d, vector);
}

/* A vector unmasked with its message pending gets it now. */
static void deliver_pending(struct virtio_device *d)
{
    for (unsigned v = 0; v < MSIX_VECTORS; v++) {
        if ((d->pending >> v & 1) && (msix_control(d) & MSIX_ENABLE) && !vector_masked(d, v)) {
            d->pending &= ~(1ull << v);
            deliver(d, v);
        }
    }
}

/* ---- the PCI function ---------------------------------------------------- */

static void put8(uint8_t *config, unsigned offset, uint8_t value)
{
    config[offset] = value;
}

static void put16(uint8_t *config, unsigned offset, uint16_t value)
{
    config[offset] = (uint8_t)value;
    config[offset + 1] = (uint8_t)(value >> 8);
}

static void put32(uint8_t *config, unsigned offset, uint32_t value)
{
    put16(config, offset, (uint16_t)value);
    put16(config, offset + 2, (uint16_t)(value >> 16));
}

static void put_virtio_cap(uint8_t *config, unsigned at, unsigned next, uint8_t type,
                           uint32_t offset)
{
    put8(config, at, VIRTIO_PCI_CAP_ID);
    put8(config, at + 1, (uint8_t)next);
    put8(config, at + 2, type == VIRTIO_PCI_CAP_NOTIFY ? 20 : 16);
    put8(config, at + 3, type);
    put8(config, at + 4, BAR_INDEX);
    put32(config, at + 8, offset);
    put32(config, at + 12, REGION_SIZE);
}

static void function_reset(uint8_t *config, const struct virtio_kind *kind)
{
    memset(config, 0, PCI_CONFIG_BYTES);
    put16(config, 0x00, VIRTIO_PCI_VENDOR);
    put16(config, 0x02, kind->device_id);
    put16(config, 0x06, PCI_STATUS_CAPS);
    put8(config, 0x08, 1); /* revision 1: a modern device */
    put16(config, 0x0a, kind->class_code);
    put32(config, PCI_BAR4, kind->bar); /* 32-bit memory, not prefetchable */
    put16(config, 0x2c, VIRTIO_PCI_VENDOR);
    put16(config, 0x2e, kind->subsystem);
    put8(config, PCI_CAPABILITIES, CAP_MSIX);
    put8(config, CAP_MSIX, PCI_CAP_MSIX_ID);
    put8(config, CAP_MSIX + 1, CAP_COMMON);
    put16(config, CAP_MSIX + 2, MSIX_VECTORS - 1);
    put32(config, CAP_MSIX + 4, MSIX_OFFSET | BAR_INDEX);
    put32(config, CAP_MSIX + 8, PBA_OFFSET | BAR_INDEX);
    put_virtio_cap(config, CAP_COMMON, CAP_NOTIFY, VIRTIO_PCI_CAP_COMMON, COMMON_OFFSET);
    put_virtio_cap(config, CAP_NOTIFY, CAP_ISR, VIRTIO_PCI_CAP_NOTIFY, NOTIFY_OFFSET);
    put32(config, CAP_NOTIFY + 16, 0); /* every queue notifies at the area's start */
    put_virtio_cap(config, CAP_ISR, CAP_DEVICE, VIRTIO_PCI_CAP_ISR, ISR_OFFSET);
    put_virtio_cap(config, CAP_DEVICE, 0, VIRTIO_PCI_CAP_DEVICE, DEVICE_OFFSET);
}

static void device_reset(struct virtio_device *d)
{
    d->device_feature_select = d->driver_feature_select = 0;
    d->driver_features = 0;
    d->msix_config = VIRTIO_NO_VECTOR;
    d->queue_select = 0;
    d->status = d->isr = 0;
    for (unsigned i = 0; i < MAX_QUEUES; i++)
        d->queues[i] = (struct virtio_queue_state){.size = QUEUE_SIZE, .vector = VIRTIO_NO_VECTOR};
    d->pending = 0;
}

static void reset_as(struct virtio_device *d, const struct virtio_kind *kind)
{
    d->kind = kind;
    function_reset(d->config, kind);
    d->sizing_bar = false;
    memset(d->msix, 0, sizeof(d->msix));
    for (unsigned v = 0; v < MSIX_VECTORS; v++)
        d->msix[v].control = MSIX_ENTRY_MASK;
    device_reset(d);
}

void virtio_report(void)
{
    for (unsigned id = 1; id <= MODEL_MAX_PARTITION; id++) {
        const struct virtio_device *d = &blk_devices[id];
        if (d->disk.sectors)
            printf("dom0: virtio disk of partition %u: %u requests served, %u refused\n", id,
                   d->served, d->refused);
    }
}

unsigned virtio_attach_disks(const struct bulkhead_boot_info *info)
{
    unsigned attached = 0;

    for (unsigned i = 0; i < info->disk_count && i < GUEST_MAX_DISKS; i++) {
        const struct guest_disk *disk = &info->disks[i];
        struct disk_store store;
        if (disk->kind != GUEST_DISK_VIRTIO || disk->partition_id < 1 ||
            disk->partition_id > MODEL_MAX_PARTITION || !disk_store_open(disk, &store))
            continue;
        struct virtio_device *d = &blk_devices[disk->partition_id];
        d->partition_id = disk->partition_id;
        d->disk = store;
        reset_as(d, &blk_kind);
        attached++;
    }
    return attached;
}

static uint32_t config_bytes(const uint8_t *config, unsigned offset, unsigned size)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < size && offset + i < PCI_CONFIG_BYTES; i++)
        value |= (uint32_t)config[offset + i] << (8 * i);
    return value;
}

static uint32_t function_read(void *state, unsigned offset, unsigned size)
{
    const struct virtio_device *d = state;

    if (!d->kind || !d->kind->present(d))
        return 0xffffffffu;
    if (offset == PCI_BAR4 && size == 4 && d->sizing_bar)
        return ~(BAR_SIZE - 1);
    return config_bytes(d->config, offset, size);
}

/* The command register's enables, the BAR's sizing and MSI-X's enable and
 * mask bits take writes; nothing else moves. */
static void function_write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                           unsigned size)
{
    struct virtio_device *d = state;

    (void)partition_id;
    if (!d->kind || !d->kind->present(d))
        return;
    if (offset == PCI_COMMAND && size >= 2)
        put16(d->config, PCI_COMMAND, (uint16_t)value & PCI_COMMAND_WRITABLE);
    else if (offset == PCI_BAR4 && size == 4)
        d->sizing_bar = value == 0xffffffffu;
    else if (offset == CAP_MSIX + 2 && size >= 2) {
        uint16_t control = (uint16_t)((value & (MSIX_ENABLE | MSIX_MASK_ALL)) | (MSIX_VECTORS - 1));
        put16(d->config, CAP_MSIX + 2, control);
        deliver_pending(d);
    } else if (offset == CAP_MSIX && size == 4) {
        put16(d->config, CAP_MSIX + 2,
              (uint16_t)(((value >> 16) & (MSIX_ENABLE | MSIX_MASK_ALL)) | (MSIX_VECTORS - 1)));
        deliver_pending(d);
    }
}

static bool no_line(const void *state)
{
    (void)state;
    return false; /* MSI-X only */
}

/* ---- the common configuration, the ISR and the device configuration ------ */

static uint64_t offered_half(const struct virtio_device *d)
{
    uint64_t offered = d->kind->offered;

    return d->device_feature_select == 0   ? (uint32_t)offered
           : d->device_feature_select == 1 ? (uint32_t)(offered >> 32)
                                           : 0;
}

/* A 64-bit register read or written 32 bits at a time. */
static uint32_t half_of(uint64_t value, unsigned offset, unsigned base)
{
    return offset == base ? (uint32_t)value : (uint32_t)(value >> 32);
}

static void set_half(uint64_t *value, unsigned offset, unsigned base, uint32_t half)
{
    if (offset == base)
        *value = (*value & ~0xffffffffull) | half;
    else
        *value = (*value & 0xffffffffull) | (uint64_t)half << 32;
}

/* The queue queue_select names, or none past the device's queues. */
static struct virtio_queue_state *selected_queue(struct virtio_device *d)
{
    return d->queue_select < d->kind->queue_count ? &d->queues[d->queue_select] : 0;
}

static uint32_t queue_read(const struct virtio_queue_state *q, unsigned offset)
{
    switch (offset) {
    case VIRTIO_QUEUE_SIZE:
        return q->size;
    case VIRTIO_QUEUE_MSIX_VECTOR:
        return q->vector;
    case VIRTIO_QUEUE_ENABLE:
        return q->enable;
    case VIRTIO_QUEUE_NOTIFY_OFF:
        return 0; /* every queue notifies at the area's start, its index the value */
    case VIRTIO_QUEUE_DESC:
    case VIRTIO_QUEUE_DESC + 4:
        return half_of(q->desc, offset, VIRTIO_QUEUE_DESC);
    case VIRTIO_QUEUE_DRIVER:
    case VIRTIO_QUEUE_DRIVER + 4:
        return half_of(q->driver, offset, VIRTIO_QUEUE_DRIVER);
    case VIRTIO_QUEUE_DEVICE:
    case VIRTIO_QUEUE_DEVICE + 4:
        return half_of(q->device, offset, VIRTIO_QUEUE_DEVICE);
    default:
        return 0;
    }
}

static uint32_t common_read(struct virtio_device *d, unsigned offset)
{
    const struct virtio_queue_state *q = selected_queue(d);

    switch (offset) {
    case VIRTIO_DEVICE_FEATURE_SELECT:
        return d->device_feature_select;
    case VIRTIO_DEVICE_FEATURE:
        return (uint32_t)offered_half(d);
    case VIRTIO_DRIVER_FEATURE_SELECT:
        return d->driver_feature_select;
    case VIRTIO_DRIVER_FEATURE:
        return d->driver_feature_select == 0   ? (uint32_t)d->driver_features
               : d->driver_feature_select == 1 ? (uint32_t)(d->driver_features >> 32)
                                               : 0;
    case VIRTIO_MSIX_CONFIG:
        return d->msix_config;
    case VIRTIO_NUM_QUEUES:
        return d->kind->queue_count;
    case VIRTIO_DEVICE_STATUS:
        return d->status;
    case VIRTIO_CONFIG_GENERATION:
        return 0;
    case VIRTIO_QUEUE_SELECT:
        return d->queue_select;
    case VIRTIO_QUEUE_MSIX_VECTOR:
        return q ? q->vector : VIRTIO_NO_VECTOR;
    default:
        return q && offset >= VIRTIO_QUEUE_SIZE ? queue_read(q, offset) : 0;
    }
}

/* FEATURES_OK stays clear for features the device did not offer, or
 * without VERSION_1: the driver reads it back and gives up. */
static void write_status(struct virtio_device *d, uint8_t status)
{
    if (status == 0) {
        device_reset(d);
        return;
    }
    if ((status & VIRTIO_STATUS_FEATURES_OK) &&
        ((d->driver_features & ~d->kind->offered) || !(d->driver_features & VIRTIO_F_VERSION_1)))
        status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    d->status = status | (d->status & VIRTIO_STATUS_NEEDS_RESET);
}

static void enable_queue(struct virtio_device *d, struct virtio_queue_state *q)
{
    struct guest_ram_access ram = {d, ram_read, ram_write, ram_contains};
    struct virtqueue_layout layout = {q->size, q->desc, q->driver, q->device};

    if (q->size > QUEUE_SIZE ||
        virtqueue_setup(&q->queue, &ram, &layout, CHAIN_LIMIT) != VIRTQUEUE_SETUP_OK) {
        d->status |= VIRTIO_STATUS_NEEDS_RESET;
        return;
    }
    q->enable = 1;
}

/* A live queue's layout stays as it is; its vector may change. */
static void queue_write(struct virtio_device *d, struct virtio_queue_state *q, unsigned offset,
                        uint32_t value)
{
    if (offset == VIRTIO_QUEUE_MSIX_VECTOR) {
        q->vector = (uint16_t)value < MSIX_VECTORS ? (uint16_t)value : VIRTIO_NO_VECTOR;
        return;
    }
    if (q->enable)
        return;
    switch (offset) {
    case VIRTIO_QUEUE_SIZE:
        q->size = (uint16_t)value;
        break;
    case VIRTIO_QUEUE_ENABLE:
        if (value == 1)
            enable_queue(d, q);
        break;
    case VIRTIO_QUEUE_DESC:
    case VIRTIO_QUEUE_DESC + 4:
        set_half(&q->desc, offset, VIRTIO_QUEUE_DESC, value);
        break;
    case VIRTIO_QUEUE_DRIVER:
    case VIRTIO_QUEUE_DRIVER + 4:
        set_half(&q->driver, offset, VIRTIO_QUEUE_DRIVER, value);
        break;
    case VIRTIO_QUEUE_DEVICE:
    case VIRTIO_QUEUE_DEVICE + 4:
        set_half(&q->device, offset, VIRTIO_QUEUE_DEVICE, value);
        break;
    default:
        break;
    }
}

static void common_write(struct virtio_device *d, unsigned offset, uint32_t value)
{
    struct virtio_queue_state *q = selected_queue(d);

    switch (offset) {
    case VIRTIO_DEVICE_FEATURE_SELECT:
        d->device_feature_select = value;
        break;
    case VIRTIO_DRIVER_FEATURE_SELECT:
        d->driver_feature_select = value;
        break;
    case VIRTIO_DRIVER_FEATURE:
        if (d->driver_feature_select < 2)
            set_half(&d->driver_features, d->driver_feature_select * 4, 0, value);
        break;
    case VIRTIO_MSIX_CONFIG:
        d->msix_config = (uint16_t)value;
        break;
    case VIRTIO_DEVICE_STATUS:
        write_status(d, (uint8_t)value);
        break;
    case VIRTIO_QUEUE_SELECT:
        d->queue_select = (uint16_t)value;
        break;
    default:
        if (q && offset >= VIRTIO_QUEUE_SIZE)
            queue_write(d, q, offset, value);
        break;
    }
}

static uint32_t narrow(uint32_t value, unsigned offset, unsigned size)
{
    uint32_t shifted = value >> (8 * (offset & 3));

    return size == 4 ? shifted : shifted & ((1u << (8 * size)) - 1);
}

static uint32_t registers_read(void *state, unsigned offset, unsigned size)
{
    struct virtio_device *d = state;

    if (!d->kind || !d->kind->present(d))
        return 0xffffffffu;
    if (offset >= ISR_OFFSET && offset < ISR_OFFSET + REGION_SIZE) {
        uint8_t isr = d->isr;
        d->isr = 0; /* reading the ISR acknowledges it */
        return isr;
    }
    if (offset >= DEVICE_OFFSET)
        return narrow(d->kind->config_read(d, (offset - DEVICE_OFFSET) & ~3u), offset, size);
    uint32_t value = common_read(d, offset - COMMON_OFFSET);
    return size == 4 ? value : value & ((1u << (8 * size)) - 1);
}

static void registers_write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                            unsigned size)
{
    struct virtio_device *d = state;

    (void)partition_id, (void)size;
    if (d->kind && d->kind->present(d) && offset < ISR_OFFSET)
        common_write(d, offset - COMMON_OFFSET, value);
}

/* ---- notifications: posted, the vCPU does not wait ----------------------- */

static uint32_t notify_read(void *state, unsigned offset, unsigned size)
{
    (void)state, (void)offset, (void)size;
    return 0;
}

static void notify_write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                         unsigned size)
{
    struct virtio_device *d = state;

    (void)partition_id, (void)offset, (void)size;
    if (!d->kind || !d->kind->present(d) || value >= d->kind->queue_count ||
        !d->queues[value].enable || !(d->status & VIRTIO_STATUS_DRIVER_OK))
        return;
    struct virtio_queue_state *q = &d->queues[value];
    unsigned returned = d->kind->serve(d, value);
    if (q->queue.broken)
        d->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (returned) {
        d->isr |= 1;
        raise_vector(d, q->vector);
    }
}

static void no_reset(void *state)
{
    (void)state; /* the function model's reset covers the shared state */
}

/* ---- the MSI-X table and pending bits ------------------------------------ */

static uint32_t *msix_word(struct virtio_device *d, unsigned offset)
{
    unsigned entry = offset / sizeof(struct msix_entry), word = offset % 16 / 4;

    return entry < MSIX_VECTORS ? &(&d->msix[entry].address)[word] : 0;
}

static uint32_t msix_read(void *state, unsigned offset, unsigned size)
{
    struct virtio_device *d = state;

    (void)size;
    if (offset >= PBA_OFFSET - MSIX_OFFSET)
        return offset == PBA_OFFSET - MSIX_OFFSET ? (uint32_t)d->pending : 0;
    uint32_t *word = msix_word(d, offset);
    return word ? *word : 0;
}

static void msix_write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                       unsigned size)
{
    struct virtio_device *d = state;
    uint32_t *word = offset < PBA_OFFSET - MSIX_OFFSET && size == 4 ? msix_word(d, offset) : 0;

    (void)partition_id;
    if (!word)
        return;
    *word = offset % 16 == 12 ? value & MSIX_ENTRY_MASK : value;
    deliver_pending(d);
}

/* ---- the block device ----------------------------------------------------- */

static bool blk_present(const struct virtio_device *d)
{
    return d->disk.sectors != 0;
}

/* Its configuration: capacity (sectors), size_max and seg_max. */
static uint32_t blk_config_read(const struct virtio_device *d, unsigned offset)
{
    switch (offset) {
    case 0:
        return (uint32_t)d->disk.sectors;
    case 4:
        return (uint32_t)(d->disk.sectors >> 32);
    case 8:
        return SIZE_MAX_BYTES;
    case 12:
        return VIRTIO_BLK_SEG_MAX;
    default:
        return 0;
    }
}

static unsigned blk_serve(struct virtio_device *d, unsigned index)
{
    struct virtio_blk_counts counts = virtio_blk_serve(&d->queues[index].queue, &d->disk);

    d->served += counts.served;
    d->refused += counts.refused;
    return counts.served + counts.refused;
}

static const struct virtio_kind blk_kind = {
    .device_id = VIRTIO_PCI_BLK_DEVICE,
    .class_code = CLASS_STORAGE_OTHER,
    .subsystem = SUBSYSTEM_BLK,
    .bar = BLK_BAR,
    .offered = BLK_OFFERED,
    .queue_count = 1,
    .present = blk_present,
    .config_read = blk_config_read,
    .serve = blk_serve,
};

/* A partition's virtio disk stays with it across its resets. */
static void blk_reset(void *state)
{
    struct virtio_device *d = state;

    if (d->kind)
        reset_as(d, &blk_kind);
}

/* ---- the console ---------------------------------------------------------- */

/* Only a partition whose config names the console reaches the function. */
static bool console_present(const struct virtio_device *d)
{
    (void)d;
    return true;
}

static uint32_t console_config_read(const struct virtio_device *d, unsigned offset)
{
    (void)d, (void)offset;
    return 0; /* no size, no ports beyond the first: nothing offered needs it */
}

static void print_line(void *context, const char *line)
{
    console_print_for(((struct virtio_device *)context)->partition_id, line);
}

static unsigned console_serve(struct virtio_device *d, unsigned index)
{
    struct virtqueue *queue = &d->queues[index].queue;

    if (index == VIRTIO_CONSOLE_TRANSMITQ)
        return virtio_console_transmit(queue, &d->console, print_line, d);
    return virtio_console_receive(queue, &d->console);
}

static const struct virtio_kind console_kind = {
    .device_id = VIRTIO_PCI_CONSOLE_DEVICE,
    .class_code = CLASS_SERIAL_OTHER,
    .subsystem = SUBSYSTEM_CONSOLE,
    .bar = CONSOLE_BAR,
    .offered = CONSOLE_OFFERED,
    .queue_count = 2,
    .present = console_present,
    .config_read = console_config_read,
    .serve = console_serve,
};

static void console_reset(void *state)
{
    struct virtio_device *d = state;

    d->partition_id = (uint32_t)(d - console_devices);
    d->console = (struct virtio_console){0};
    reset_as(d, &console_kind);
}

bool virtio_console_input(uint32_t partition_id, uint8_t byte)
{
    if (partition_id > MODEL_MAX_PARTITION)
        return false;
    struct virtio_device *d = &console_devices[partition_id];
    struct virtio_queue_state *q = &d->queues[VIRTIO_CONSOLE_RECEIVEQ];

    if (!d->kind || !q->enable || !(d->status & VIRTIO_STATUS_DRIVER_OK) ||
        !virtio_console_type(&d->console, byte))
        return false;
    if (virtio_console_receive(&q->queue, &d->console)) {
        d->isr |= 1;
        raise_vector(d, q->vector);
    }
    return true;
}

/* ---- the models: four ranges for each kind ------------------------------- */

#define VIRTIO_MODELS(prefix, function, bar, devices, reset_function)                              \
    const struct dom0_model prefix##_function_model = {                                            \
        .kind = HC_IOREQ_PCI_CONFIG,                                                               \
        .base = function,                                                                          \
        .registers = PCI_CONFIG_BYTES,                                                             \
        .states = devices,                                                                         \
        .state_size = sizeof(devices[0]),                                                          \
        .reset = reset_function,                                                                   \
        .read = function_read,                                                                     \
        .write = function_write,                                                                   \
        .interrupt_line = no_line,                                                                 \
    };                                                                                             \
    const struct dom0_model prefix##_registers_model = {                                           \
        .kind = HC_IOREQ_MMIO,                                                                     \
        .base = bar,                                                                               \
        .claim_length = NOTIFY_OFFSET,                                                             \
        .registers = NOTIFY_OFFSET,                                                                \
        .states = devices,                                                                         \
        .state_size = sizeof(devices[0]),                                                          \
        .reset = no_reset,                                                                         \
        .read = registers_read,                                                                    \
        .write = registers_write,                                                                  \
        .interrupt_line = no_line,                                                                 \
    };                                                                                             \
    const struct dom0_model prefix##_notify_model = {                                              \
        .kind = HC_IOREQ_MMIO,                                                                     \
        .base = (bar) + NOTIFY_OFFSET,                                                             \
        .claim_length = REGION_SIZE,                                                               \
        .registers = REGION_SIZE,                                                                  \
        .posted_writes = 1, /* MMIO: every write of the range */                                   \
        .states = devices,                                                                         \
        .state_size = sizeof(devices[0]),                                                          \
        .reset = no_reset,                                                                         \
        .read = notify_read,                                                                       \
        .write = notify_write,                                                                     \
        .interrupt_line = no_line,                                                                 \
    };                                                                                             \
    const struct dom0_model prefix##_msix_model = {                                                \
        .kind = HC_IOREQ_MMIO,                                                                     \
        .base = (bar) + MSIX_OFFSET,                                                               \
        .claim_length = 2 * REGION_SIZE,                                                           \
        .registers = 2 * REGION_SIZE,                                                              \
        .states = devices,                                                                         \
        .state_size = sizeof(devices[0]),                                                          \
        .reset = no_reset,                                                                         \
        .read = msix_read,                                                                         \
        .write = msix_write,                                                                       \
        .interrupt_line = no_line,                                                                 \
    }

VIRTIO_MODELS(virtio, PCI_FUNCTION_BLK, BLK_BAR, blk_devices, blk_reset);
VIRTIO_MODELS(virtio_console, PCI_FUNCTION_CONSOLE, CONSOLE_BAR, console_devices, console_reset);
