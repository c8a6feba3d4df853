/*
 * Where a command's sectors are: the taskfile's LBA48, LBA28 or CHS address
 * and sector count turned into a range of the disk, checked against its end,
 * and a failed sector's address written back for the driver to read.
 */
#include "guests/dom0/ata_address.h"

static uint64_t lba48_address(const struct ata *ata)
{
    const struct ata_taskfile *low = &ata->now, *high = &ata->previous;

    return (uint64_t)high->lba_high << 40 | (uint64_t)high->lba_mid << 32 |
           (uint64_t)high->lba_low << 24 | (uint64_t)low->lba_high << 16 |
           (uint64_t)low->lba_mid << 8 | low->lba_low;
}

static uint64_t lba28_address(const struct ata *ata)
{
    return (uint64_t)(ata->device & ATA_DEVICE_HEAD) << 24 | (uint64_t)ata->now.lba_high << 16 |
           (uint64_t)ata->now.lba_mid << 8 | ata->now.lba_low;
}

/* CHS addresses use the geometry of INITIALIZE DEVICE PARAMETERS; sectors
 * count from 1. False for an address outside that geometry. */
static bool chs_address(const struct ata *ata, uint64_t *lba)
{
    unsigned cylinder = (unsigned)ata->now.lba_high << 8 | ata->now.lba_mid;
    unsigned head = ata->device & ATA_DEVICE_HEAD, sector = ata->now.lba_low;

    if (sector == 0 || sector > ata->sectors_per_track || head >= ata->heads)
        return false;
    *lba = ((uint64_t)cylinder * ata->heads + head) * ata->sectors_per_track + sector - 1;
    return true;
}

/* A count of 0 means the most the command can move: 256 or 65536. */
static uint32_t sector_count(const struct ata *ata, bool ext)
{
    uint32_t count = ata->now.count;

    if (ext)
        count |= (uint32_t)ata->previous.count << 8;
    if (count)
        return count;
    return ext ? 65536 : 256;
}

/* Takes the command's sectors from the taskfile and checks them against the
 * disk before any access: outside it, the command ends with IDNF. */
bool ata_take_range(struct ata *ata, bool ext)
{
    uint64_t lba = 0;
    bool valid = true;
    uint32_t count = sector_count(ata, ext);

    if (ext)
        lba = lba48_address(ata);
    else if (ata->device & ATA_DEVICE_LBA)
        lba = lba28_address(ata);
    else
        valid = chs_address(ata, &lba);
    if (!valid || lba >= ata->disk.sectors || count > ata->disk.sectors - lba)
        return false;
    ata->ext = ext;
    ata->lba = lba;
    ata->remaining = count;
    return true;
}

/* After a media error the address registers name the first failed sector. */
void ata_report_failed_sector(struct ata *ata)
{
    uint64_t lba = ata->lba;

    if (!ata->ext && !(ata->device & ATA_DEVICE_LBA))
        return;
    ata->now.lba_low = (uint8_t)lba;
    ata->now.lba_mid = (uint8_t)(lba >> 8);
    ata->now.lba_high = (uint8_t)(lba >> 16);
    if (!ata->ext) {
        ata->device = (uint8_t)((ata->device & ~ATA_DEVICE_HEAD) | ((lba >> 24) & ATA_DEVICE_HEAD));
        return;
    }
    ata->previous.lba_low = (uint8_t)(lba >> 24);
    ata->previous.lba_mid = (uint8_t)(lba >> 32);
    ata->previous.lba_high = (uint8_t)(lba >> 40);
}
