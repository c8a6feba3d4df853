/*
 * The IDE controller and disk of each full partition whose config names a
 * `disk = ide:FILE`. Three ranges reach dom0 for it: the command block
 * (0x1f0-0x1f7), the control block (0x3f6) and the configuration space of
 * the controller's PCI function; all three share the partition's state.
 * The function is a PIIX3 IDE controller (8086:7010) in legacy mode
 * without bus mastering: drivers find the channel at the PC's ports and
 * IRQ 14 and move data by PIO. Only the primary channel is decoded (its
 * IDETIM enable bit is set, the secondary's clear), with one disk on it.
 *
 * The sectors are the disk's store (disk_store.h): the image the
 * hypervisor mapped into dom0's memory, or a range of an ATA disk dom0
 * owns; the disk model bounds every access by the disk's size.
 */
#include "guests/dom0/ide_models.h"

#include "guests/dom0/ata.h"
#include "include/bulkhead/device_models.h"
#include "lib/string.h"

#define PIIX_VENDOR               0x8086
#define PIIX3_IDE_DEVICE          0x7010
#define PCI_CONFIG_BYTES          256
#define PCI_FUNCTION_IDE          (MODEL_IDE_PCI_SLOT << 11) /* bus 0, function 0 */
#define PCI_COMMAND               0x04
#define PCI_COMMAND_WRITABLE      0x0005 /* I/O space and bus master enable */
#define PCI_STATUS                0x06
#define PCI_STATUS_DEVSEL_MEDIUM  0x0280
#define PCI_CLASS_PROG_IF         0x09
#define PCI_CLASS_SUBCLASS        0x0a
#define PCI_CLASS_BASE            0x0b
#define PROG_IF_LEGACY_BUS_MASTER 0x80 /* both channels in legacy mode */
#define SUBCLASS_IDE              0x01
#define CLASS_STORAGE             0x01
/* The IDE timing registers; bit 15 of each enables its channel's decode. */
#define IDETIM_PRIMARY       0x40
#define IDETIM_SECONDARY     0x42
#define IDETIM_DECODE_ENABLE 0x80 /* in the register's high byte */
#define PIIX_WRITABLE_FIRST  0x40
#define PIIX_WRITABLE_END    0x48 /* IDETIM, SIDETIM, UDMA control: kept as written */

struct ide {
    struct ata ata;
    struct ata_disk disk; /* sectors 0: this partition has no disk */
    uint8_t config[PCI_CONFIG_BYTES];
};

static struct ide ides[MODEL_MAX_PARTITION + 1];

static void put16(uint8_t *config, unsigned offset, uint16_t value)
{
    config[offset] = (uint8_t)value;
    config[offset + 1] = (uint8_t)(value >> 8);
}

static void function_reset(uint8_t *config)
{
    memset(config, 0, PCI_CONFIG_BYTES);
    put16(config, 0x00, PIIX_VENDOR);
    put16(config, 0x02, PIIX3_IDE_DEVICE);
    put16(config, PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
    config[PCI_CLASS_PROG_IF] = PROG_IF_LEGACY_BUS_MASTER;
    config[PCI_CLASS_SUBCLASS] = SUBCLASS_IDE;
    config[PCI_CLASS_BASE] = CLASS_STORAGE;
    config[IDETIM_PRIMARY + 1] = IDETIM_DECODE_ENABLE;
}

static void reset(void *state)
{
    struct ide *ide = state;

    function_reset(ide->config);
    if (ide->disk.sectors)
        ata_init(&ide->ata, &ide->disk);
}

unsigned ide_attach_disks(const struct bulkhead_boot_info *info)
{
    unsigned attached = 0;

    for (unsigned i = 0; i < info->disk_count && i < GUEST_MAX_DISKS; i++) {
        const struct guest_disk *d = &info->disks[i];
        struct disk_store store;
        if (d->kind != GUEST_DISK_IDE || d->partition_id < 1 ||
            d->partition_id > MODEL_MAX_PARTITION || !disk_store_open(d, &store))
            continue;
        struct ide *ide = &ides[d->partition_id];
        ide->disk = (struct ata_disk){
            .backend = store,
            .sectors = store.sectors,
            .serial = "BULKHEAD-IDE-0001",
            .model = "Bulkhead IDE disk",
        };
        reset(ide);
        attached++;
    }
    return attached;
}

/* ---- the command block: data (16 or 32 bits) and the taskfile ---------- */

static uint32_t command_read(void *state, unsigned offset, unsigned size)
{
    struct ide *ide = state;

    if (!ide->disk.sectors)
        return 0xffffffffu; /* no disk: the floating bus */
    if (offset != ATA_REG_DATA)
        return ata_read_register(&ide->ata, offset);
    return size == 4 ? ata_read_data32(&ide->ata) : ata_read_data(&ide->ata);
}

static void command_write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                          unsigned size)
{
    struct ide *ide = state;

    (void)partition_id;
    if (!ide->disk.sectors)
        return;
    if (offset != ATA_REG_DATA)
        ata_write_register(&ide->ata, offset, (uint8_t)value);
    else if (size == 4)
        ata_write_data32(&ide->ata, value);
    else
        ata_write_data(&ide->ata, (uint16_t)value);
}

static bool interrupt_line(const void *state)
{
    const struct ide *ide = state;

    return ide->disk.sectors && ata_interrupt_line(&ide->ata);
}

const struct dom0_model ide_command_model = {
    .kind = HC_IOREQ_PORT,
    .base = MODEL_IDE_COMMAND_PORT,
    .claim_length = MODEL_IDE_COMMAND_PORTS,
    .registers = MODEL_IDE_COMMAND_PORTS,
    .irq = MODEL_IDE_IRQ,
    .states = ides,
    .state_size = sizeof(ides[0]),
    .reset = reset,
    .read = command_read,
    .write = command_write,
    .interrupt_line = interrupt_line,
};

/* ---- the control block: alternate status and device control ----------- */

static uint32_t control_read(void *state, unsigned offset, unsigned size)
{
    const struct ide *ide = state;

    (void)offset, (void)size;
    return ide->disk.sectors ? ata_read_alt_status(&ide->ata) : 0xffu;
}

static void control_write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                          unsigned size)
{
    struct ide *ide = state;

    (void)partition_id, (void)offset, (void)size;
    if (ide->disk.sectors)
        ata_write_device_control(&ide->ata, (uint8_t)value);
}

static void no_reset(void *state)
{
    (void)state; /* ide_command_model's reset covers the shared state */
}

const struct dom0_model ide_control_model = {
    .kind = HC_IOREQ_PORT,
    .base = MODEL_IDE_CONTROL_PORT,
    .claim_length = 1,
    .registers = 1,
    .irq = MODEL_IDE_IRQ,
    .states = ides,
    .state_size = sizeof(ides[0]),
    .reset = no_reset,
    .read = control_read,
    .write = control_write,
    .interrupt_line = interrupt_line,
};

/* ---- the PCI function's configuration space ---------------------------- */

static uint32_t function_read(void *state, unsigned offset, unsigned size)
{
    const struct ide *ide = state;
    uint32_t value = 0;

    for (unsigned i = 0; i < size && offset + i < PCI_CONFIG_BYTES; i++)
        value |= (uint32_t)ide->config[offset + i] << (8 * i);
    return value;
}

/* The command register's enables and the timing registers take what is
 * written, but for the channels' decode enables, which stay as they are:
 * the primary channel on, the secondary off. */
static void function_write_byte(uint8_t *config, unsigned offset, uint8_t value)
{
    if (offset == PCI_COMMAND || offset == PCI_COMMAND + 1)
        config[offset] = value & (uint8_t)(PCI_COMMAND_WRITABLE >> (8 * (offset - PCI_COMMAND)));
    else if (offset == IDETIM_PRIMARY + 1)
        config[offset] = value | IDETIM_DECODE_ENABLE;
    else if (offset == IDETIM_SECONDARY + 1)
        config[offset] = value & (uint8_t)~IDETIM_DECODE_ENABLE;
    else if (offset >= PIIX_WRITABLE_FIRST && offset < PIIX_WRITABLE_END)
        config[offset] = value;
}

static void function_write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                           unsigned size)
{
    struct ide *ide = state;

    (void)partition_id;
    for (unsigned i = 0; i < size && offset + i < PCI_CONFIG_BYTES; i++)
        function_write_byte(ide->config, offset + i, (uint8_t)(value >> (8 * i)));
}

static bool no_line(const void *state)
{
    (void)state;
    return false; /* legacy mode: the channel's IRQ 14, not INTx */
}

const struct dom0_model ide_function_model = {
    .kind = HC_IOREQ_PCI_CONFIG,
    .base = PCI_FUNCTION_IDE,
    .claim_length = 0, /* configuration cycles need no claim */
    .registers = PCI_CONFIG_BYTES,
    .irq = 0,
    .states = ides,
    .state_size = sizeof(ides[0]),
    .reset = no_reset,
    .read = function_read,
    .write = function_write,
    .interrupt_line = no_line,
};
