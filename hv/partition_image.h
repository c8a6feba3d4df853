#ifndef HV_PARTITION_IMAGE_H
#define HV_PARTITION_IMAGE_H

#include "hv/partition.h"

/* Zeroes the partition's RAM and loads its image: an ELF64 file at its
 * addresses with the long-mode boot structures and boot-info page of
 * include/bulkhead/guest_abi.h, or a flat image for real mode. Returns 0, or what is wrong
 * with the image. */
const char *partition_image_load(struct partition *p);

#endif
