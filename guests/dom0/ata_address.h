/* The ATA model's addressing (guests/dom0/ata_address.c), for ata.c. */
#ifndef GUESTS_DOM0_ATA_ADDRESS_H
#define GUESTS_DOM0_ATA_ADDRESS_H

#include "guests/dom0/ata.h"

/* The command's range from the taskfile into ata->lba, ->remaining and
 * ->ext; false, with nothing changed, if any of it lies outside the disk
 * (or the CHS geometry). */
bool ata_take_range(struct ata *ata, bool ext);

/* After a media error: the address registers name ata->lba, the first
 * sector that failed, in the command's addressing. */
void ata_report_failed_sector(struct ata *ata);

#endif
