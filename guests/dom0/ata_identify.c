/*
 * The IDENTIFY DEVICE page (ATA/ATAPI-6 section 8.15): a fixed, non-removable
 * disk with LBA28 and LBA48 addressing, PIO modes 0-4 and no DMA, multiple
 * mode up to ATA_MAX_MULTIPLE sectors, FLUSH CACHE (EXT), a switchable write
 * cache and read look-ahead. The words a driver relies on are named below.
 */
#include "guests/dom0/ata.h"

#include "lib/string.h"

#define WORD_CONFIG              0
#define WORD_CYLINDERS           1
#define WORD_HEADS               3
#define WORD_SECTORS_PER_TRACK   6
#define WORD_SERIAL              10
#define WORD_FIRMWARE            23
#define WORD_MODEL               27
#define WORD_MAX_MULTIPLE        47
#define WORD_CAPABILITIES        49
#define WORD_CAPABILITIES2       50
#define WORD_PIO_TIMING          51
#define WORD_VALID_FIELDS        53
#define WORD_CURRENT_CYLINDERS   54
#define WORD_CURRENT_HEADS       55
#define WORD_CURRENT_SECTORS     56
#define WORD_CURRENT_CAPACITY    57
#define WORD_MULTIPLE_SETTING    59
#define WORD_LBA28_SECTORS       60
#define WORD_PIO_MODES           64
#define WORD_MIN_PIO_CYCLE       67
#define WORD_MIN_PIO_CYCLE_IORDY 68
#define WORD_MAJOR_VERSION       80
#define WORD_FEATURES_82         82
#define WORD_FEATURES_83         83
#define WORD_FEATURES_84         84
#define WORD_ENABLED_85          85
#define WORD_ENABLED_86          86
#define WORD_ENABLED_87          87
#define WORD_RESET_RESULT        93
#define WORD_LBA48_SECTORS       100
#define WORD_INTEGRITY           255

#define SERIAL_CHARS   20
#define FIRMWARE_CHARS 8
#define MODEL_CHARS    40
#define FIRMWARE       "1.0"

#define CONFIG_FIXED_DISK         0x0040
#define CAP_IORDY                 0x0800
#define CAP_LBA                   0x0200
#define CAP2_MUST_BE_ONE          0x4000
#define PIO_TIMING_MODE2          0x0200
#define VALID_CURRENT_CHS         0x0001
#define VALID_WORDS_64_70         0x0002
#define MULTIPLE_VALID            0x0100
#define PIO_MODES_3_4             0x0003
#define PIO_CYCLE_NS              120
#define MAJOR_ATA_4_TO_6          0x0070
#define FEATURE_WRITE_CACHE       0x0020
#define FEATURE_LOOK_AHEAD        0x0040
#define FEATURE_VALID             0x4000 /* words 83, 84, 87: bit 14 one, bit 15 zero */
#define FEATURE_LBA48             0x0400
#define FEATURE_FLUSH_CACHE       0x1000
#define FEATURE_FLUSH_CACHE_EXT   0x2000
#define RESET_RESULT_BY_JUMPER    0x4003
#define RESET_DEVICE0_DIAG_PASSED 0x0008
#define INTEGRITY_SIGNATURE       0xa5

#define MAX_CYLINDERS 16383
#define LBA28_MAX     0x0fffffffu

/* ATA strings are space-padded, two characters a word, the first in the
 * high byte. */
static void put_string(uint16_t *words, const char *text, unsigned chars)
{
    unsigned length = text ? (unsigned)strlen(text) : 0;

    for (unsigned i = 0; i < chars; i += 2) {
        uint8_t first = i < length ? (uint8_t)text[i] : ' ';
        uint8_t second = i + 1 < length ? (uint8_t)text[i + 1] : ' ';
        words[i / 2] = (uint16_t)(first << 8 | second);
    }
}

static uint16_t cylinders(uint64_t sectors, unsigned heads, unsigned sectors_per_track)
{
    uint64_t count = sectors / (heads * sectors_per_track);
    return (uint16_t)(count > MAX_CYLINDERS ? MAX_CYLINDERS : count);
}

static void put_geometry(const struct ata *ata, uint16_t *page)
{
    uint16_t current = cylinders(ata->disk.sectors, ata->heads, ata->sectors_per_track);
    uint32_t capacity = (uint32_t)current * ata->heads * ata->sectors_per_track;

    page[WORD_CYLINDERS] =
        cylinders(ata->disk.sectors, ATA_DEFAULT_HEADS, ATA_DEFAULT_SECTORS_PER_TRACK);
    page[WORD_HEADS] = ATA_DEFAULT_HEADS;
    page[WORD_SECTORS_PER_TRACK] = ATA_DEFAULT_SECTORS_PER_TRACK;
    page[WORD_CURRENT_CYLINDERS] = current;
    page[WORD_CURRENT_HEADS] = ata->heads;
    page[WORD_CURRENT_SECTORS] = ata->sectors_per_track;
    page[WORD_CURRENT_CAPACITY] = (uint16_t)capacity;
    page[WORD_CURRENT_CAPACITY + 1] = (uint16_t)(capacity >> 16);
}

static void put_capacity(const struct ata *ata, uint16_t *page)
{
    uint64_t sectors = ata->disk.sectors;
    uint32_t lba28 = sectors > LBA28_MAX ? LBA28_MAX : (uint32_t)sectors;

    page[WORD_LBA28_SECTORS] = (uint16_t)lba28;
    page[WORD_LBA28_SECTORS + 1] = (uint16_t)(lba28 >> 16);
    for (unsigned i = 0; i < 4; i++)
        page[WORD_LBA48_SECTORS + i] = (uint16_t)(sectors >> (16 * i));
}

static void put_features(const struct ata *ata, uint16_t *page)
{
    uint16_t enabled =
        (ata->write_cache ? FEATURE_WRITE_CACHE : 0) | (ata->look_ahead ? FEATURE_LOOK_AHEAD : 0);
    uint16_t commands = FEATURE_LBA48 | FEATURE_FLUSH_CACHE | FEATURE_FLUSH_CACHE_EXT;

    page[WORD_FEATURES_82] = FEATURE_WRITE_CACHE | FEATURE_LOOK_AHEAD;
    page[WORD_FEATURES_83] = FEATURE_VALID | commands;
    page[WORD_FEATURES_84] = FEATURE_VALID;
    page[WORD_ENABLED_85] = enabled;
    page[WORD_ENABLED_86] = commands;
    page[WORD_ENABLED_87] = FEATURE_VALID;
}

static void put_transfer_modes(const struct ata *ata, uint16_t *page)
{
    page[WORD_MAX_MULTIPLE] = 0x8000 | ATA_MAX_MULTIPLE;
    page[WORD_MULTIPLE_SETTING] = MULTIPLE_VALID | ata->multiple;
    page[WORD_PIO_TIMING] = PIO_TIMING_MODE2;
    page[WORD_PIO_MODES] = PIO_MODES_3_4;
    page[WORD_MIN_PIO_CYCLE] = PIO_CYCLE_NS;
    page[WORD_MIN_PIO_CYCLE_IORDY] = PIO_CYCLE_NS;
}

/* Word 255: the signature in the low byte and, in the high byte, the value
 * that makes all 512 bytes of the page sum to zero. */
static void put_integrity(uint16_t *page)
{
    uint8_t sum = INTEGRITY_SIGNATURE;

    for (unsigned i = 0; i < WORD_INTEGRITY; i++)
        sum = (uint8_t)(sum + (page[i] & 0xff) + (page[i] >> 8));
    page[WORD_INTEGRITY] = (uint16_t)((uint8_t)-sum << 8 | INTEGRITY_SIGNATURE);
}

void ata_identify_page(const struct ata *ata, uint16_t page[ATA_SECTOR_WORDS])
{
    memset(page, 0, ATA_SECTOR_SIZE);
    page[WORD_CONFIG] = CONFIG_FIXED_DISK;
    put_string(&page[WORD_SERIAL], ata->disk.serial, SERIAL_CHARS);
    put_string(&page[WORD_FIRMWARE], FIRMWARE, FIRMWARE_CHARS);
    put_string(&page[WORD_MODEL], ata->disk.model, MODEL_CHARS);
    page[WORD_CAPABILITIES] = CAP_LBA | CAP_IORDY;
    page[WORD_CAPABILITIES2] = CAP2_MUST_BE_ONE;
    page[WORD_VALID_FIELDS] = VALID_CURRENT_CHS | VALID_WORDS_64_70;
    page[WORD_MAJOR_VERSION] = MAJOR_ATA_4_TO_6;
    page[WORD_RESET_RESULT] = RESET_RESULT_BY_JUMPER | RESET_DEVICE0_DIAG_PASSED;
    put_geometry(ata, page);
    put_capacity(ata, page);
    put_features(ata, page);
    put_transfer_modes(ata, page);
    put_integrity(page);
}
