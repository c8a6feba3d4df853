/*
 * A PIO driver for the ATA disks dom0 owns: the master device of a channel
 * whose command block (8 ports) and control block (0x206 above) the
 * hypervisor opened in dom0's I/O bitmap. Interrupts stay off (nIEN): dom0
 * polls the status register, each wait bounded. Commands move at most 256
 * sectors; LBA48 commands reach past the first 2^28 sectors when the disk
 * has them.
 *
 * A write is acknowledged once the disk has taken its last sector, as a
 * disk acknowledges it: what it caches is the disk's to keep across dom0's
 * restarts; a flush (FLUSH CACHE) makes it durable across power-off.
 */
#include "guests/dom0/ata_host.h"

#include "arch/x86_64/cpu.h"
#include "guests/lib/console.h"
#include "lib/string.h"

#define REG_DATA      0
#define REG_ERROR     1
#define REG_COUNT     2
#define REG_LBA_LOW   3
#define REG_LBA_MID   4
#define REG_LBA_HIGH  5
#define REG_DEVICE    6
#define REG_COMMAND   7 /* the status when read */
#define CONTROL_NIEN  0x02
#define DEVICE_MASTER 0xa0
#define DEVICE_LBA    0x40

#define STATUS_ERR 0x01
#define STATUS_DRQ 0x08
#define STATUS_DF  0x20
#define STATUS_BSY 0x80
#define ERROR_ABRT 0x04
#define NO_DEVICE  0xff /* the floating bus */

#define CMD_READ_SECTORS      0x20
#define CMD_READ_SECTORS_EXT  0x24
#define CMD_WRITE_SECTORS     0x30
#define CMD_WRITE_SECTORS_EXT 0x34
#define CMD_FLUSH_CACHE       0xe7
#define CMD_FLUSH_CACHE_EXT   0xea
#define CMD_IDENTIFY          0xec

#define SECTOR_WORDS       256
#define COMMAND_SECTORS    256u /* what one command moves: LBA28's count register */
#define LBA28_SECTORS      (1ull << 28)
#define IDENTIFY_LBA48     83  /* word 83 bit 10: the 48-bit address feature set */
#define IDENTIFY_SECTORS   60  /* words 60-61: LBA28's addressable sectors */
#define IDENTIFY_SECTORS48 100 /* words 100-103 */
#define IDENTIFY_MODEL     27  /* words 27-46: 40 characters, two a word, high byte first */
#define MODEL_CHARS        40
#define POLLS              (1u << 24) /* each a port read: seconds on hardware, far more than a disk takes */
#define MAX_CHANNELS       GUEST_MAX_DEVICES

struct channel {
    uint16_t port; /* 0: unused */
    bool present, lba48;
    uint64_t sectors;
};

struct range {
    struct channel *channel;
    uint64_t first;
};

static struct channel channels[MAX_CHANNELS];
static struct range ranges[GUEST_MAX_DISKS];
static unsigned range_count;

static uint8_t status(const struct channel *c)
{
    return cpu_inb(c->port + REG_COMMAND);
}

/* The status once BSY clears; NO_DEVICE when it never does. */
static uint8_t wait_not_busy(const struct channel *c)
{
    for (unsigned i = 0; i < POLLS; i++) {
        uint8_t s = status(c);
        if (!(s & STATUS_BSY))
            return s;
        cpu_pause();
    }
    return NO_DEVICE;
}

static bool ready_for_data(const struct channel *c)
{
    return (wait_not_busy(c) & (STATUS_BSY | STATUS_DRQ | STATUS_ERR | STATUS_DF)) == STATUS_DRQ;
}

static void command(const struct channel *c, uint8_t device, uint8_t code)
{
    cpu_outb(c->port + REG_DEVICE, device);
    cpu_outb(c->port + REG_COMMAND, code);
}

static void taskfile(const struct channel *c, uint32_t count, uint64_t lba)
{
    cpu_outb(c->port + REG_COUNT, (uint8_t)count);
    cpu_outb(c->port + REG_LBA_LOW, (uint8_t)lba);
    cpu_outb(c->port + REG_LBA_MID, (uint8_t)(lba >> 8));
    cpu_outb(c->port + REG_LBA_HIGH, (uint8_t)(lba >> 16));
}

/* Writes the address and count, and the command that moves them: LBA48's
 * (each register written twice, the high byte first) only past LBA28. */
static void start_transfer(const struct channel *c, uint64_t lba, uint32_t count, bool write)
{
    bool lba48 = lba + count > LBA28_SECTORS;

    cpu_outb(c->port + REG_DEVICE, DEVICE_MASTER | DEVICE_LBA);
    if (lba48) {
        taskfile(c, count >> 8, lba >> 24);
        taskfile(c, count, lba);
        command(c, DEVICE_MASTER | DEVICE_LBA,
                write ? CMD_WRITE_SECTORS_EXT : CMD_READ_SECTORS_EXT);
        return;
    }
    taskfile(c, count, lba);
    command(c, DEVICE_MASTER | DEVICE_LBA | (uint8_t)((lba >> 24) & 0x0f),
            write ? CMD_WRITE_SECTORS : CMD_READ_SECTORS);
}

/* One command of up to COMMAND_SECTORS sectors, a DRQ block a sector. */
static bool transfer(const struct channel *c, uint64_t lba, uint32_t count, uint8_t *bytes,
                     bool write)
{
    if (wait_not_busy(c) & (STATUS_BSY | STATUS_DRQ))
        return false;
    start_transfer(c, lba, count, write);
    for (uint32_t i = 0; i < count; i++, bytes += DISK_STORE_SECTOR) {
        if (!ready_for_data(c))
            return false;
        if (write)
            cpu_rep_outsw(c->port + REG_DATA, bytes, SECTOR_WORDS);
        else
            cpu_rep_insw(c->port + REG_DATA, bytes, SECTOR_WORDS);
    }
    return (wait_not_busy(c) & (STATUS_BSY | STATUS_DRQ | STATUS_ERR | STATUS_DF)) == 0;
}

static bool move(struct range *r, uint64_t lba, uint32_t count, uint8_t *bytes, bool write)
{
    while (count) {
        uint32_t part = count < COMMAND_SECTORS ? count : COMMAND_SECTORS;
        if (!transfer(r->channel, r->first + lba, part, bytes, write))
            return false;
        lba += part;
        count -= part;
        bytes += (size_t)part * DISK_STORE_SECTOR;
    }
    return true;
}

static bool range_read(void *context, uint64_t lba, uint32_t count, void *buffer)
{
    return move(context, lba, count, buffer, false);
}

static bool range_write(void *context, uint64_t lba, uint32_t count, const void *buffer)
{
    return move(context, lba, count, (uint8_t *)(uintptr_t)buffer, true);
}

/* A disk that aborts FLUSH CACHE has no write cache to flush. */
static bool range_flush(void *context)
{
    const struct channel *c = ((struct range *)context)->channel;
    uint8_t s;

    if (wait_not_busy(c) & STATUS_BSY)
        return false;
    command(c, DEVICE_MASTER, c->lba48 ? CMD_FLUSH_CACHE_EXT : CMD_FLUSH_CACHE);
    s = wait_not_busy(c);
    if (s & STATUS_ERR)
        return cpu_inb(c->port + REG_ERROR) == ERROR_ABRT;
    return (s & (STATUS_BSY | STATUS_DF)) == 0;
}

static uint64_t identify_sectors(const uint16_t *words, bool lba48)
{
    uint64_t sectors = 0;

    if (!lba48)
        return words[IDENTIFY_SECTORS] | (uint32_t)words[IDENTIFY_SECTORS + 1] << 16;
    for (int i = 3; i >= 0; i--)
        sectors = sectors << 16 | words[IDENTIFY_SECTORS48 + i];
    return sectors;
}

static void identify_model(const uint16_t *words, char model[MODEL_CHARS + 1])
{
    unsigned end = 0;

    for (unsigned i = 0; i < MODEL_CHARS; i++) {
        uint16_t word = words[IDENTIFY_MODEL + i / 2];
        char ch = (char)(i % 2 == 0 ? word >> 8 : word);
        model[i] = ch >= ' ' && ch < 0x7f ? ch : ' ';
        if (model[i] != ' ')
            end = i + 1;
    }
    model[end] = '\0';
}

/* IDENTIFY DEVICE on the channel's master, with its interrupt off. */
static bool identify(struct channel *c)
{
    static uint16_t words[SECTOR_WORDS];
    char model[MODEL_CHARS + 1];

    cpu_outb(c->port + GUEST_ATA_CONTROL_OFFSET, CONTROL_NIEN);
    command(c, DEVICE_MASTER, CMD_IDENTIFY);
    if (status(c) == 0 || status(c) == NO_DEVICE || !ready_for_data(c)) {
        printf("dom0: ata 0x%x: no ATA disk answers\n", c->port);
        return false;
    }
    cpu_rep_insw(c->port + REG_DATA, words, SECTOR_WORDS);
    c->lba48 = words[IDENTIFY_LBA48] & (1u << 10);
    c->sectors = identify_sectors(words, c->lba48);
    identify_model(words, model);
    printf("dom0: ata 0x%x: %s, %llu sectors%s\n", c->port, model, (unsigned long long)c->sectors,
           c->lba48 ? " (LBA48)" : "");
    return c->sectors != 0;
}

/* The channel at `port`, identified the first time it is asked for. */
static struct channel *channel_at(uint16_t port)
{
    for (unsigned i = 0; i < MAX_CHANNELS; i++) {
        struct channel *c = &channels[i];
        if (c->port == port)
            return c->present ? c : 0;
        if (c->port == 0) {
            c->port = port;
            c->present = identify(c);
            return c->present ? c : 0;
        }
    }
    return 0;
}

bool ata_host_open_range(const struct guest_disk *disk, struct disk_store *store)
{
    struct channel *c = channel_at((uint16_t)disk->ata_port);
    uint64_t last = disk->first_sector + disk->sectors - 1;

    if (!c || range_count == GUEST_MAX_DISKS)
        return false;
    if (disk->sectors == 0 || last < disk->first_sector || last >= c->sectors) {
        printf("dom0: disk of partition %u: sectors %llu-%llu lie beyond ata 0x%x's %llu: not "
               "served\n",
               disk->partition_id, (unsigned long long)disk->first_sector, (unsigned long long)last,
               c->port, (unsigned long long)c->sectors);
        return false;
    }
    struct range *r = &ranges[range_count++];
    *r = (struct range){c, disk->first_sector};
    *store = (struct disk_store){range_read, range_write, range_flush, r, disk->sectors, 0};
    printf("dom0: disk of partition %u: sectors %llu-%llu of ata 0x%x\n", disk->partition_id,
           (unsigned long long)disk->first_sector, (unsigned long long)last, c->port);
    return true;
}
