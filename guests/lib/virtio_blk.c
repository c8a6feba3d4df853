/*
 * The guest side of virtio-blk over PCI (virtio spec 4.1 and 5.2), for
 * Bulkhead's own guests: see virtio_blk.h. The queue's three areas and the
 * requests' headers and status bytes are static arrays of the guest, which
 * runs on an identity map, so their addresses are guest-physical.
 */
#include "guests/lib/virtio_blk.h"

#include "arch/x86_64/cpu.h"
#include "guests/lib/console.h"
#include "guests/lib/paging.h"
#include "lib/string.h"
#include "lib/virtio_pci.h"
#include "lib/virtio_ring.h"

#define PCI_ADDRESS_PORT          0xcf8
#define PCI_DATA_PORT             0xcfc
#define PCI_ENABLE                0x80000000u
#define VIRTIO_FUNCTION           (2u << 11) /* bus 0, device 2, function 0 */
#define PCI_COMMAND_MEMORY_MASTER 0x0006u

#define FEATURE_VERSION_1_HIGH (uint32_t)(VIRTIO_F_VERSION_1 >> 32) /* in the second word */

#define STATUS_PENDING 0xff

#define QUEUE_SIZE 128u /* descriptors: three for each request in flight */

static struct virtq_desc descriptors[QUEUE_SIZE] __attribute__((aligned(4096)));
static struct {
    uint16_t flags, idx, ring[QUEUE_SIZE], used_event;
} avail __attribute__((aligned(4096)));
static struct {
    uint16_t flags, idx;
    struct virtq_used_elem ring[QUEUE_SIZE];
    uint16_t avail_event;
} used __attribute__((aligned(4096)));
static struct virtio_blk_request_header headers[VIRTIO_BLK_DRIVER_DEPTH];
static volatile uint8_t statuses[VIRTIO_BLK_DRIVER_DEPTH];
static bool busy[VIRTIO_BLK_DRIVER_DEPTH];

static uint64_t common, device_config, notify_address;
static uint64_t sectors, accesses;
static uint16_t used_seen, in_flight;

static uint32_t pci_read(unsigned offset)
{
    cpu_outl(PCI_ADDRESS_PORT, PCI_ENABLE | VIRTIO_FUNCTION | (offset & 0xfc));
    return cpu_inl(PCI_DATA_PORT) >> (8 * (offset & 3));
}

static void pci_write32(unsigned offset, uint32_t value)
{
    cpu_outl(PCI_ADDRESS_PORT, PCI_ENABLE | VIRTIO_FUNCTION | offset);
    cpu_outl(PCI_DATA_PORT, value);
}

static uint32_t read32(uint64_t address)
{
    accesses++;
    return *(volatile uint32_t *)(uintptr_t)address;
}

static uint16_t read16(uint64_t address)
{
    accesses++;
    return *(volatile uint16_t *)(uintptr_t)address;
}

static uint8_t read8(uint64_t address)
{
    accesses++;
    return *(volatile uint8_t *)(uintptr_t)address;
}

static void write32(uint64_t address, uint32_t value)
{
    accesses++;
    *(volatile uint32_t *)(uintptr_t)address = value;
}

static void write16(uint64_t address, uint16_t value)
{
    accesses++;
    *(volatile uint16_t *)(uintptr_t)address = value;
}

static void write8(uint64_t address, uint8_t value)
{
    accesses++;
    *(volatile uint8_t *)(uintptr_t)address = value;
}

static void write64(uint64_t address, uint64_t value)
{
    write32(address, (uint32_t)value);
    write32(address + 4, (uint32_t)(value >> 32));
}

/* The regions the vendor capabilities place in the BAR. */
static bool find_regions(uint64_t bar, uint32_t *notify_multiplier)
{
    for (unsigned at = pci_read(0x34) & 0xfc, hops = 0; at && hops < 48; hops++) {
        uint32_t head = pci_read(at);
        if ((head & 0xff) == VIRTIO_PCI_CAP_ID) {
            uint64_t region = bar + pci_read(at + 8);
            switch ((head >> 24) & 0xff) {
            case VIRTIO_PCI_CAP_COMMON:
                common = region;
                break;
            case VIRTIO_PCI_CAP_NOTIFY:
                notify_address = region;
                *notify_multiplier = pci_read(at + 16);
                break;
            case VIRTIO_PCI_CAP_DEVICE:
                device_config = region;
                break;
            default:
                break;
            }
        }
        at = (head >> 8) & 0xfc;
    }
    return common && notify_address && device_config;
}

static bool negotiate(void)
{
    write8(common + VIRTIO_DEVICE_STATUS, 0);
    write8(common + VIRTIO_DEVICE_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    write32(common + VIRTIO_DEVICE_FEATURE_SELECT, 1);
    if (!(read32(common + VIRTIO_DEVICE_FEATURE) & FEATURE_VERSION_1_HIGH))
        return false;
    write32(common + VIRTIO_DRIVER_FEATURE_SELECT, 0);
    write32(common + VIRTIO_DRIVER_FEATURE, 0);
    write32(common + VIRTIO_DRIVER_FEATURE_SELECT, 1);
    write32(common + VIRTIO_DRIVER_FEATURE, FEATURE_VERSION_1_HIGH);
    write8(common + VIRTIO_DEVICE_STATUS,
           VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return read8(common + VIRTIO_DEVICE_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

static bool start_queue(uint32_t notify_multiplier)
{
    write16(common + VIRTIO_QUEUE_SELECT, 0);
    if (read16(common + VIRTIO_QUEUE_SIZE) < QUEUE_SIZE)
        return false;
    write16(common + VIRTIO_QUEUE_SIZE, QUEUE_SIZE);
    write16(common + VIRTIO_QUEUE_MSIX_VECTOR, VIRTIO_NO_VECTOR);
    write64(common + VIRTIO_QUEUE_DESC, (uint64_t)(uintptr_t)descriptors);
    write64(common + VIRTIO_QUEUE_DRIVER, (uint64_t)(uintptr_t)&avail);
    write64(common + VIRTIO_QUEUE_DEVICE, (uint64_t)(uintptr_t)&used);
    write16(common + VIRTIO_QUEUE_ENABLE, 1);
    notify_address += (uint64_t)read16(common + VIRTIO_QUEUE_NOTIFY_OFF) * notify_multiplier;
    write8(common + VIRTIO_DEVICE_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                              VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    return read8(common + VIRTIO_DEVICE_STATUS) & VIRTIO_STATUS_DRIVER_OK;
}

/* A fresh start forgets every request of the device before. */
static void forget_requests(void)
{
    memset(busy, 0, sizeof(busy));
    memset(&avail, 0, sizeof(avail));
    memset(&used, 0, sizeof(used));
    used_seen = in_flight = 0;
}

bool virtio_blk_start(void)
{
    uint32_t notify_multiplier = 0;

    forget_requests();
    if (pci_read(0) != (VIRTIO_PCI_BLK_DEVICE << 16 | VIRTIO_PCI_VENDOR)) {
        printf("virtio-blk: no virtio block device at PCI 00:02.0\n");
        return false;
    }
    pci_write32(0x04, PCI_COMMAND_MEMORY_MASTER);
    uint64_t bar = pci_read(0x20) & ~0xfu;
    if (!map_identity_2m(bar) || !find_regions(bar, &notify_multiplier) || !negotiate() ||
        !start_queue(notify_multiplier)) {
        printf("virtio-blk: the device at PCI 00:02.0 refused the driver\n");
        return false;
    }
    sectors = read32(device_config) | (uint64_t)read32(device_config + 4) << 32;
    return true;
}

uint64_t virtio_blk_sectors(void)
{
    return sectors;
}

static void describe(uint16_t first, uint64_t address, uint32_t length, uint16_t flags)
{
    descriptors[first] =
        (struct virtq_desc){address, length, flags, (uint16_t)((first + 1) % QUEUE_SIZE)};
}

static bool queue_request(uint32_t type, uint64_t sector, void *buffer, bool device_writes)
{
    unsigned slot = 0;

    while (slot < VIRTIO_BLK_DRIVER_DEPTH && busy[slot])
        slot++;
    if (slot == VIRTIO_BLK_DRIVER_DEPTH)
        return false;
    uint16_t head = (uint16_t)(3 * slot);
    headers[slot] = (struct virtio_blk_request_header){type, 0, sector};
    statuses[slot] = STATUS_PENDING;
    describe(head, (uint64_t)(uintptr_t)&headers[slot], sizeof(headers[slot]), VIRTQ_DESC_F_NEXT);
    if (buffer)
        describe(head + 1, (uint64_t)(uintptr_t)buffer, VIRTIO_BLK_BLOCK,
                 VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0));
    else
        descriptors[head].next = head + 2;
    describe(head + 2, (uint64_t)(uintptr_t)&statuses[slot], 1, VIRTQ_DESC_F_WRITE);
    descriptors[head + 2].next = 0;
    busy[slot] = true;
    avail.ring[avail.idx % QUEUE_SIZE] = head;
    __atomic_store_n(&avail.idx, (uint16_t)(avail.idx + 1), __ATOMIC_RELEASE);
    in_flight++;
    return true;
}

bool virtio_blk_queue(uint64_t sector, void *buffer, bool write)
{
    return queue_request(write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, buffer, !write);
}

void virtio_blk_notify(void)
{
    write16(notify_address, 0);
}

unsigned virtio_blk_wait_all(void)
{
    unsigned failed = 0;

    while (in_flight) {
        uint16_t idx = __atomic_load_n(&used.idx, __ATOMIC_ACQUIRE);
        if (idx == used_seen) {
            cpu_pause();
            continue;
        }
        uint32_t head = used.ring[used_seen % QUEUE_SIZE].id;
        unsigned slot = head / 3;
        used_seen++;
        if (head % 3 || slot >= VIRTIO_BLK_DRIVER_DEPTH || !busy[slot]) {
            failed++; /* not a request of ours: the device is confused */
            continue;
        }
        failed += statuses[slot] != 0;
        busy[slot] = false;
        in_flight--;
    }
    return failed;
}

bool virtio_blk_flush(void)
{
    if (!queue_request(VIRTIO_BLK_T_FLUSH, 0, 0, false))
        return false;
    virtio_blk_notify();
    return virtio_blk_wait_all() == 0;
}

uint64_t virtio_blk_register_accesses(void)
{
    return accesses;
}

unsigned virtio_blk_raw_request(const struct virtq_desc *descs, unsigned count, uint16_t head,
                                unsigned answers, uint32_t *lengths, uint64_t ticks)
{
    unsigned came = 0;
    uint64_t give_up = cpu_rdtsc() + ticks;

    memcpy(descriptors, descs, count * sizeof(descs[0]));
    avail.ring[avail.idx % QUEUE_SIZE] = head;
    __atomic_store_n(&avail.idx, (uint16_t)(avail.idx + 1), __ATOMIC_RELEASE);
    virtio_blk_notify();
    while (came < answers && cpu_rdtsc() < give_up) {
        if (__atomic_load_n(&used.idx, __ATOMIC_ACQUIRE) == used_seen) {
            cpu_pause();
            continue;
        }
        lengths[came++] = used.ring[used_seen % QUEUE_SIZE].len;
        used_seen++;
    }
    return came;
}

void virtio_blk_skip_available(uint16_t steps)
{
    __atomic_store_n(&avail.idx, (uint16_t)(avail.idx + steps), __ATOMIC_RELEASE);
    virtio_blk_notify();
}

uint8_t virtio_blk_device_status(void)
{
    return read8(common + VIRTIO_DEVICE_STATUS);
}
