#ifndef HV_PARTITION_IMAGE_H
#define HV_PARTITION_IMAGE_H

#include "hv/partition.h"

/* Zeroes the partition's RAM and loads its image, by what the image is: a
 * bzImage, a PVH vmlinux or a multiboot kernel (lib/boot_image.h) with its
 * initrd and command line; an ELF64 file at its addresses with the
 * long-mode boot structures and boot-info page of include/bulkhead/guest_abi.h;
 * or a flat image for real mode. Returns 0, or what is wrong with the image. */
const char *partition_image_load(struct partition *p);

/* What the partition's image is, in a few words for the log. */
const char *partition_image_kind(const struct partition *p);

/* partition_firmware.c: a full partition's ACPI tables, written into its
 * RAM at PC_FIRMWARE_TABLES (none for a pv partition, or RAM below 1 MiB). */
void partition_write_firmware_tables(struct partition *p, uint8_t *ram);

#endif
