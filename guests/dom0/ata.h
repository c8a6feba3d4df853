/* An ATA disk on one IDE channel, as dom0 emulates it for a full partition:
 * the register model only; where the sectors live is the disk store's
 * business (disk_store.h). */
#ifndef GUESTS_DOM0_ATA_H
#define GUESTS_DOM0_ATA_H

#include <stdbool.h>
#include <stdint.h>

#include "guests/dom0/disk_store.h"

#define ATA_SECTOR_SIZE  512
#define ATA_SECTOR_WORDS (ATA_SECTOR_SIZE / 2)
#define ATA_MAX_MULTIPLE 16 /* sectors per DRQ block in multiple mode */
#define ATA_MAX_SECTORS  (1ull << 48)

/* The CHS geometry a driver finds before INITIALIZE DEVICE PARAMETERS. */
#define ATA_DEFAULT_HEADS             16
#define ATA_DEFAULT_SECTORS_PER_TRACK 63

/* Command block register offsets (from 0x1f0). */
enum ata_register {
    ATA_REG_DATA = 0,
    ATA_REG_ERROR = 1, /* read; FEATURES when written */
    ATA_REG_FEATURES = 1,
    ATA_REG_COUNT = 2,
    ATA_REG_LBA_LOW = 3,
    ATA_REG_LBA_MID = 4,
    ATA_REG_LBA_HIGH = 5,
    ATA_REG_DEVICE = 6,
    ATA_REG_STATUS = 7, /* read; COMMAND when written */
    ATA_REG_COMMAND = 7,
};

#define ATA_STATUS_ERR  0x01
#define ATA_STATUS_DRQ  0x08
#define ATA_STATUS_DSC  0x10 /* seek complete: always set once ready */
#define ATA_STATUS_DF   0x20
#define ATA_STATUS_DRDY 0x40
#define ATA_STATUS_BSY  0x80

#define ATA_ERROR_ABRT 0x04
#define ATA_ERROR_IDNF 0x10
#define ATA_ERROR_UNC  0x40

#define ATA_DEVICE_HEAD 0x0f /* LBA28 bits 24-27, or the CHS head */
#define ATA_DEVICE_DEV  0x10 /* device 1 (the slave) selected */
#define ATA_DEVICE_LBA  0x40

#define ATA_CONTROL_NIEN 0x02
#define ATA_CONTROL_SRST 0x04
#define ATA_CONTROL_HOB  0x80

struct ata_disk {
    struct disk_store backend; /* where the sectors live (its own size unused here) */
    uint64_t sectors;          /* the disk's size: no access reaches past it */
    const char *serial;        /* up to 20 characters */
    const char *model;         /* up to 40 characters */
};

/* The taskfile registers that LBA48 commands write twice: the last value and
 * the one before it (read back with HOB set in device control). */
struct ata_taskfile {
    uint8_t features, count, lba_low, lba_mid, lba_high;
};

enum ata_phase { ATA_IDLE, ATA_DATA_IN, ATA_DATA_OUT, ATA_IN_RESET };

struct ata {
    struct ata_disk disk;
    struct ata_taskfile now, previous;
    uint8_t device, status, error, control;
    bool interrupt_pending;
    uint8_t multiple; /* sectors per block of READ/WRITE MULTIPLE; 0 = off */
    uint8_t heads, sectors_per_track;
    bool write_cache, look_ahead;

    /* The PIO transfer under way. */
    enum ata_phase phase;
    bool ext;           /* the command addresses with LBA48 */
    uint64_t lba;       /* first sector of the current block */
    uint32_t remaining; /* sectors from lba to the end of the command */
    uint8_t block_sectors;
    unsigned position, block_bytes;
    uint8_t buffer[ATA_MAX_MULTIPLE * ATA_SECTOR_SIZE];
};

/* Power-on: ready, with the diagnostic's signature in the taskfile, and
 * multiple mode on at its largest block, so that a driver that uses the
 * setting it finds (Linux does) takes one interrupt per 16 sectors. */
void ata_init(struct ata *ata, const struct ata_disk *disk);

/* A guest's byte access to command block register `offset` (1-7; the data
 * register has its own calls). Reading STATUS acknowledges the interrupt. */
uint8_t ata_read_register(struct ata *ata, unsigned offset);
void ata_write_register(struct ata *ata, unsigned offset, uint8_t value);

/* The control block at 0x3f6: the alternate status (no side effect) and
 * device control (nIEN, SRST, HOB). */
uint8_t ata_read_alt_status(const struct ata *ata);
void ata_write_device_control(struct ata *ata, uint8_t value);

/* The data register, one word at a time, or `count` words at once as a
 * REP INSW/OUTSW does (a whole sector is ATA_SECTOR_WORDS). Both behave as
 * `count` single accesses; they return how many words moved while DRQ was
 * set (the others read as 0xffff, or are dropped). */
uint16_t ata_read_data(struct ata *ata);
void ata_write_data(struct ata *ata, uint16_t word);
uint32_t ata_read_data32(struct ata *ata);
void ata_write_data32(struct ata *ata, uint32_t dword);
unsigned ata_read_data_words(struct ata *ata, uint16_t *words, unsigned count);
unsigned ata_write_data_words(struct ata *ata, const uint16_t *words, unsigned count);

/* INTRQ: high while the master has an interrupt pending, nIEN is clear and
 * the master is selected (an unselected device releases the line). */
bool ata_interrupt_line(const struct ata *ata);

/* The IDENTIFY DEVICE page for the drive's current settings. */
void ata_identify_page(const struct ata *ata, uint16_t page[ATA_SECTOR_WORDS]);

#endif
