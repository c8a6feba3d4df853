/*
 * An ATA disk alone on its channel as device 0, driven by PIO (ATA/ATAPI-6):
 * the command and control block registers, the PIO data-in and data-out
 * protocols with their DRQ blocks (one sector, or the multiple count), the
 * interrupt request, software reset and the signature. Every command
 * completes at once, so BSY is only seen while SRST is held.
 * Device 1 is absent: selected, its registers read 0 (a status of 0 is how
 * drivers tell that no device answers) and it runs no command.
 */
#include "guests/dom0/ata.h"
#include "guests/dom0/ata_address.h"

#include "lib/string.h"

#define STATUS_READY      (ATA_STATUS_DRDY | ATA_STATUS_DSC)
#define DIAGNOSTIC_PASSED 0x01 /* the error register after a reset: device 0 passed */
#define FLOATING_BUS      0xffff

enum ata_opcode {
    CMD_READ_SECTORS = 0x20,
    CMD_READ_SECTORS_NO_RETRY = 0x21,
    CMD_READ_SECTORS_EXT = 0x24,
    CMD_READ_MULTIPLE_EXT = 0x29,
    CMD_WRITE_SECTORS = 0x30,
    CMD_WRITE_SECTORS_NO_RETRY = 0x31,
    CMD_WRITE_SECTORS_EXT = 0x34,
    CMD_WRITE_MULTIPLE_EXT = 0x39,
    CMD_READ_VERIFY = 0x40,
    CMD_READ_VERIFY_NO_RETRY = 0x41,
    CMD_READ_VERIFY_EXT = 0x42,
    CMD_EXECUTE_DIAGNOSTIC = 0x90,
    CMD_INITIALIZE_PARAMETERS = 0x91,
    CMD_READ_MULTIPLE = 0xc4,
    CMD_WRITE_MULTIPLE = 0xc5,
    CMD_SET_MULTIPLE_MODE = 0xc6,
    CMD_FLUSH_CACHE = 0xe7,
    CMD_FLUSH_CACHE_EXT = 0xea,
    CMD_IDENTIFY_DEVICE = 0xec,
    CMD_SET_FEATURES = 0xef,
};

/* SET FEATURES subcommands (the features register) this disk accepts. */
#define FEATURE_ENABLE_WRITE_CACHE    0x02
#define FEATURE_SET_TRANSFER_MODE     0x03
#define FEATURE_DISABLE_LOOK_AHEAD    0x55
#define FEATURE_REVERT_DEFAULTS_OFF   0x66
#define FEATURE_DISABLE_WRITE_CACHE   0x82
#define FEATURE_ENABLE_LOOK_AHEAD     0xaa
#define FEATURE_REVERT_DEFAULTS_ON    0xcc
#define TRANSFER_PIO_DEFAULT_NO_IORDY 0x01
#define TRANSFER_PIO_MODE_0           0x08
#define TRANSFER_PIO_MODE_4           0x0c

struct command {
    void (*run)(struct ata *ata, const struct command *command);
    bool ext;      /* LBA48: address and count written twice */
    bool multiple; /* DRQ blocks of the multiple count */
};

static bool device1_selected(const struct ata *ata)
{
    return ata->device & ATA_DEVICE_DEV;
}

static void end_command(struct ata *ata)
{
    ata->phase = ATA_IDLE;
    ata->status = STATUS_READY;
    ata->interrupt_pending = true;
}

/* ERR with the cause in the error register; `fault` is DF when the backend
 * could not keep what it was given (a write or a flush). */
static void fail_command(struct ata *ata, uint8_t error, uint8_t fault)
{
    ata->phase = ATA_IDLE;
    ata->error = error;
    ata->status = STATUS_READY | ATA_STATUS_ERR | fault;
    ata->interrupt_pending = true;
}

static void abort_command(struct ata *ata)
{
    fail_command(ata, ATA_ERROR_ABRT, 0);
}

static void put_signature(struct ata *ata)
{
    ata->now = (struct ata_taskfile){.count = 1, .lba_low = 1};
    ata->previous = (struct ata_taskfile){0};
    ata->device = 0;
    ata->error = DIAGNOSTIC_PASSED;
}

void ata_init(struct ata *ata, const struct ata_disk *disk)
{
    memset(ata, 0, sizeof(*ata));
    ata->disk = *disk;
    if (ata->disk.sectors > ATA_MAX_SECTORS)
        ata->disk.sectors = ATA_MAX_SECTORS;
    ata->status = STATUS_READY;
    ata->heads = ATA_DEFAULT_HEADS;
    ata->sectors_per_track = ATA_DEFAULT_SECTORS_PER_TRACK;
    ata->write_cache = true;
    ata->look_ahead = true;
    ata->multiple = ATA_MAX_MULTIPLE;
    put_signature(ata);
}

/* ---- addressing -------------------------------------------------------- */

/* No backend access happens before this check (ata_address.c). */
static bool take_range(struct ata *ata, bool ext)
{
    if (ata_take_range(ata, ext))
        return true;
    fail_command(ata, ATA_ERROR_IDNF, 0);
    return false;
}

/* ---- PIO data blocks --------------------------------------------------- */

static uint32_t next_block_sectors(const struct ata *ata)
{
    return ata->remaining < ata->block_sectors ? ata->remaining : ata->block_sectors;
}

static void open_block(struct ata *ata, enum ata_phase phase, uint32_t sectors)
{
    ata->phase = phase;
    ata->position = 0;
    ata->block_bytes = sectors * ATA_SECTOR_SIZE;
    ata->status = STATUS_READY | ATA_STATUS_DRQ;
}

static void advance(struct ata *ata, uint32_t sectors)
{
    ata->lba += sectors;
    ata->remaining -= sectors;
}

/* Reads the next block into the buffer; a backend failure ends the command
 * as an uncorrectable media error. */
static bool fetch_block(struct ata *ata, uint32_t sectors)
{
    const struct disk_store *backend = &ata->disk.backend;

    if (backend->read(backend->context, ata->lba, sectors, ata->buffer))
        return true;
    ata_report_failed_sector(ata);
    fail_command(ata, ATA_ERROR_UNC, 0);
    return false;
}

/* PIO data-in: the block is fetched first, then DRQ and an interrupt tell
 * the host to take it. */
static void load_read_block(struct ata *ata)
{
    uint32_t sectors = next_block_sectors(ata);

    if (!fetch_block(ata, sectors))
        return;
    open_block(ata, ATA_DATA_IN, sectors);
    ata->interrupt_pending = true;
}

/* The host took the whole block: the next one, or the end (with no
 * interrupt, as the data-in protocol ends). */
static void finish_read_block(struct ata *ata)
{
    advance(ata, ata->block_bytes / ATA_SECTOR_SIZE);
    if (ata->remaining) {
        load_read_block(ata);
        return;
    }
    ata->phase = ATA_IDLE;
    ata->status = STATUS_READY;
}

/* With the write cache off, a write completes only once it is durable. */
static bool store(struct ata *ata, uint32_t sectors)
{
    const struct disk_store *backend = &ata->disk.backend;

    if (!backend->write(backend->context, ata->lba, sectors, ata->buffer))
        return false;
    return ata->write_cache || backend->flush(backend->context);
}

/* PIO data-out: the host filled the block; it is stored, then the next one
 * is asked for or the command ends, each with an interrupt. */
static void finish_write_block(struct ata *ata)
{
    uint32_t sectors = ata->block_bytes / ATA_SECTOR_SIZE;

    if (!store(ata, sectors)) {
        ata_report_failed_sector(ata);
        fail_command(ata, ATA_ERROR_ABRT, ATA_STATUS_DF);
        return;
    }
    advance(ata, sectors);
    if (!ata->remaining) {
        end_command(ata);
        return;
    }
    open_block(ata, ATA_DATA_OUT, next_block_sectors(ata));
    ata->interrupt_pending = true;
}

static unsigned words_left_in_block(const struct ata *ata, unsigned wanted)
{
    unsigned left = (ata->block_bytes - ata->position) / 2;
    return wanted < left ? wanted : left;
}

unsigned ata_read_data_words(struct ata *ata, uint16_t *words, unsigned count)
{
    unsigned moved = 0;

    while (moved < count && ata->phase == ATA_DATA_IN && !device1_selected(ata)) {
        unsigned chunk = words_left_in_block(ata, count - moved);
        memcpy(&words[moved], &ata->buffer[ata->position], chunk * 2);
        moved += chunk;
        ata->position += chunk * 2;
        if (ata->position == ata->block_bytes)
            finish_read_block(ata);
    }
    for (unsigned i = moved; i < count; i++)
        words[i] = FLOATING_BUS;
    return moved;
}

unsigned ata_write_data_words(struct ata *ata, const uint16_t *words, unsigned count)
{
    unsigned moved = 0;

    while (moved < count && ata->phase == ATA_DATA_OUT && !device1_selected(ata)) {
        unsigned chunk = words_left_in_block(ata, count - moved);
        memcpy(&ata->buffer[ata->position], &words[moved], chunk * 2);
        moved += chunk;
        ata->position += chunk * 2;
        if (ata->position == ata->block_bytes)
            finish_write_block(ata);
    }
    return moved;
}

uint16_t ata_read_data(struct ata *ata)
{
    uint16_t word;
    ata_read_data_words(ata, &word, 1);
    return word;
}

void ata_write_data(struct ata *ata, uint16_t word)
{
    ata_write_data_words(ata, &word, 1);
}

uint32_t ata_read_data32(struct ata *ata)
{
    uint16_t words[2];
    ata_read_data_words(ata, words, 2);
    return (uint32_t)words[1] << 16 | words[0];
}

void ata_write_data32(struct ata *ata, uint32_t dword)
{
    uint16_t words[2] = {(uint16_t)dword, (uint16_t)(dword >> 16)};
    ata_write_data_words(ata, words, 2);
}

/* ---- commands ---------------------------------------------------------- */

static bool block_size_chosen(struct ata *ata, const struct command *command)
{
    if (command->multiple && !ata->multiple) {
        abort_command(ata);
        return false;
    }
    ata->block_sectors = command->multiple ? ata->multiple : 1;
    return true;
}

static void start_read(struct ata *ata, const struct command *command)
{
    if (block_size_chosen(ata, command) && take_range(ata, command->ext))
        load_read_block(ata);
}

/* The first block needs no interrupt: DRQ alone asks for it. */
static void start_write(struct ata *ata, const struct command *command)
{
    if (block_size_chosen(ata, command) && take_range(ata, command->ext))
        open_block(ata, ATA_DATA_OUT, next_block_sectors(ata));
}

/* The sectors are read from the backend but not transferred. */
static void read_verify(struct ata *ata, const struct command *command)
{
    if (!take_range(ata, command->ext))
        return;
    ata->block_sectors = ATA_MAX_MULTIPLE;
    while (ata->remaining) {
        uint32_t sectors = next_block_sectors(ata);
        if (!fetch_block(ata, sectors))
            return;
        advance(ata, sectors);
    }
    end_command(ata);
}

static void identify_device(struct ata *ata, const struct command *command)
{
    uint16_t page[ATA_SECTOR_WORDS];

    (void)command;
    ata_identify_page(ata, page);
    memcpy(ata->buffer, page, sizeof(page));
    ata->remaining = 1;
    ata->block_sectors = 1;
    open_block(ata, ATA_DATA_IN, 1);
    ata->interrupt_pending = true;
}

static void flush_cache(struct ata *ata, const struct command *command)
{
    const struct disk_store *backend = &ata->disk.backend;

    (void)command;
    if (backend->flush(backend->context))
        end_command(ata);
    else
        fail_command(ata, ATA_ERROR_ABRT, ATA_STATUS_DF);
}

/* The block size must be a power of two the disk supports; 0 turns
 * multiple mode off. */
static void set_multiple_mode(struct ata *ata, const struct command *command)
{
    uint8_t count = ata->now.count;

    (void)command;
    if (count > ATA_MAX_MULTIPLE || (count & (count - 1))) {
        abort_command(ata);
        return;
    }
    ata->multiple = count;
    end_command(ata);
}

/* Every PIO mode is accepted (timing means nothing here); DMA modes are
 * refused, as IDENTIFY offers none. */
static bool transfer_mode_supported(uint8_t mode)
{
    return mode <= TRANSFER_PIO_DEFAULT_NO_IORDY ||
           (mode >= TRANSFER_PIO_MODE_0 && mode <= TRANSFER_PIO_MODE_4);
}

static bool apply_feature(struct ata *ata)
{
    switch (ata->now.features) {
    case FEATURE_SET_TRANSFER_MODE:
        return transfer_mode_supported(ata->now.count);
    case FEATURE_ENABLE_WRITE_CACHE:
    case FEATURE_DISABLE_WRITE_CACHE:
        ata->write_cache = ata->now.features == FEATURE_ENABLE_WRITE_CACHE;
        return true;
    case FEATURE_ENABLE_LOOK_AHEAD:
    case FEATURE_DISABLE_LOOK_AHEAD:
        ata->look_ahead = ata->now.features == FEATURE_ENABLE_LOOK_AHEAD;
        return true;
    case FEATURE_REVERT_DEFAULTS_OFF:
    case FEATURE_REVERT_DEFAULTS_ON:
        return true;
    default:
        return false;
    }
}

static void set_features(struct ata *ata, const struct command *command)
{
    (void)command;
    if (apply_feature(ata))
        end_command(ata);
    else
        abort_command(ata);
}

/* Sectors per track from the count, heads from the device register. */
static void initialize_parameters(struct ata *ata, const struct command *command)
{
    (void)command;
    if (!ata->now.count) {
        abort_command(ata);
        return;
    }
    ata->sectors_per_track = ata->now.count;
    ata->heads = (uint8_t)((ata->device & ATA_DEVICE_HEAD) + 1);
    end_command(ata);
}

static void execute_diagnostic(struct ata *ata, const struct command *command)
{
    (void)command;
    end_command(ata);
    put_signature(ata);
}

static const struct command commands[256] = {
    [CMD_READ_SECTORS] = {.run = start_read},
    [CMD_READ_SECTORS_NO_RETRY] = {.run = start_read},
    [CMD_READ_SECTORS_EXT] = {.run = start_read, .ext = true},
    [CMD_READ_MULTIPLE] = {.run = start_read, .multiple = true},
    [CMD_READ_MULTIPLE_EXT] = {.run = start_read, .ext = true, .multiple = true},
    [CMD_WRITE_SECTORS] = {.run = start_write},
    [CMD_WRITE_SECTORS_NO_RETRY] = {.run = start_write},
    [CMD_WRITE_SECTORS_EXT] = {.run = start_write, .ext = true},
    [CMD_WRITE_MULTIPLE] = {.run = start_write, .multiple = true},
    [CMD_WRITE_MULTIPLE_EXT] = {.run = start_write, .ext = true, .multiple = true},
    [CMD_READ_VERIFY] = {.run = read_verify},
    [CMD_READ_VERIFY_NO_RETRY] = {.run = read_verify},
    [CMD_READ_VERIFY_EXT] = {.run = read_verify, .ext = true},
    [CMD_IDENTIFY_DEVICE] = {.run = identify_device},
    [CMD_FLUSH_CACHE] = {.run = flush_cache},
    [CMD_FLUSH_CACHE_EXT] = {.run = flush_cache},
    [CMD_SET_MULTIPLE_MODE] = {.run = set_multiple_mode},
    [CMD_SET_FEATURES] = {.run = set_features},
    [CMD_INITIALIZE_PARAMETERS] = {.run = initialize_parameters},
    [CMD_EXECUTE_DIAGNOSTIC] = {.run = execute_diagnostic},
};

/* Writing the command acknowledges any pending interrupt and ends a transfer
 * under way. EXECUTE DEVICE DIAGNOSTIC is for both devices, so device 0
 * answers it even with device 1 selected; anything else sent to the absent
 * device 1 goes nowhere. */
static void run_command(struct ata *ata, uint8_t opcode)
{
    const struct command *command = &commands[opcode];

    if (device1_selected(ata) && opcode != CMD_EXECUTE_DIAGNOSTIC)
        return;
    ata->interrupt_pending = false;
    ata->error = 0;
    ata->phase = ATA_IDLE;
    if (command->run)
        command->run(ata, command);
    else
        abort_command(ata);
}

/* ---- registers --------------------------------------------------------- */

static uint8_t *taskfile_register(struct ata_taskfile *file, unsigned offset)
{
    switch (offset) {
    case ATA_REG_FEATURES:
        return &file->features;
    case ATA_REG_COUNT:
        return &file->count;
    case ATA_REG_LBA_LOW:
        return &file->lba_low;
    case ATA_REG_LBA_MID:
        return &file->lba_mid;
    case ATA_REG_LBA_HIGH:
        return &file->lba_high;
    default:
        return NULL;
    }
}

/* Registers 1-5 keep the value written before the last one (the high
 * bytes of LBA48), and any write ends HOB read-back. Both devices would
 * take these writes; while BSY, none. */
void ata_write_register(struct ata *ata, unsigned offset, uint8_t value)
{
    uint8_t *now = taskfile_register(&ata->now, offset);

    if (ata->phase == ATA_IN_RESET)
        return;
    ata->control &= (uint8_t)~ATA_CONTROL_HOB;
    if (now) {
        *taskfile_register(&ata->previous, offset) = *now;
        *now = value;
    } else if (offset == ATA_REG_DEVICE) {
        ata->device = value;
    } else if (offset == ATA_REG_COMMAND) {
        run_command(ata, value);
    }
}

/* While BSY every register reads as status. The device register is the
 * channel's own latch, so it reads back whichever device is selected. */
uint8_t ata_read_register(struct ata *ata, unsigned offset)
{
    bool hob = ata->control & ATA_CONTROL_HOB;
    uint8_t *value = taskfile_register(hob ? &ata->previous : &ata->now, offset);

    if (ata->phase == ATA_IN_RESET)
        return ata->status;
    if (offset == ATA_REG_DEVICE)
        return ata->device;
    if (device1_selected(ata))
        return 0;
    if (offset == ATA_REG_STATUS) {
        ata->interrupt_pending = false;
        return ata->status;
    }
    if (offset == ATA_REG_ERROR)
        return ata->error;
    return value ? *value : 0xff;
}

uint8_t ata_read_alt_status(const struct ata *ata)
{
    if (ata->phase != ATA_IN_RESET && device1_selected(ata))
        return 0;
    return ata->status;
}

/* SRST held: busy, the transfer dropped. SRST released: the reset and its
 * diagnostic complete at once, without an interrupt. */
void ata_write_device_control(struct ata *ata, uint8_t value)
{
    bool was_in_reset = ata->control & ATA_CONTROL_SRST;

    ata->control = value;
    if ((value & ATA_CONTROL_SRST) && !was_in_reset) {
        ata->phase = ATA_IN_RESET;
        ata->status = ATA_STATUS_BSY;
        ata->interrupt_pending = false;
    } else if (!(value & ATA_CONTROL_SRST) && was_in_reset) {
        ata->phase = ATA_IDLE;
        ata->status = STATUS_READY;
        put_signature(ata);
    }
}

bool ata_interrupt_line(const struct ata *ata)
{
    return ata->interrupt_pending && !(ata->control & ATA_CONTROL_NIEN) && !device1_selected(ata);
}
