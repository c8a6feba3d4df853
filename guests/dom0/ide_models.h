/* The IDE disks dom0 emulates for full partitions (guests/dom0/ata.c is
 * the disk): a PIIX IDE controller at PCI 00:01.0 in legacy mode, its
 * primary channel's ports 0x1f0-0x1f7 and 0x3f6, IRQ 14, and an ATA disk
 * whose sectors are the image the partition's `disk` key names. */
#ifndef GUESTS_DOM0_IDE_MODELS_H
#define GUESTS_DOM0_IDE_MODELS_H

#include "guests/dom0/models.h"
#include "include/bulkhead/guest_abi.h"

extern const struct dom0_model ide_command_model, ide_control_model, ide_function_model;

/* Gives each partition the boot-info page lists a disk for its disk, its
 * image mapped where the hypervisor put it; returns how many. */
unsigned ide_attach_disks(const struct bulkhead_boot_info *info);

#endif
