/* The virtio-blk devices dom0 serves to full partitions over PCI (virtio
 * spec 4.1, a modern device): a function at PCI 00:02.0 whose memory BAR
 * at 0xc0000000 holds the common configuration, the ISR, the device
 * configuration, the notification area and the MSI-X table. */
#ifndef GUESTS_DOM0_VIRTIO_MODELS_H
#define GUESTS_DOM0_VIRTIO_MODELS_H

#include "guests/dom0/models.h"
#include "include/bulkhead/guest_abi.h"

extern const struct dom0_model virtio_function_model, virtio_registers_model, virtio_notify_model,
    virtio_msix_model;

/* Gives each partition the boot-info page lists a virtio disk for its
 * disk; returns how many. */
unsigned virtio_attach_disks(const struct bulkhead_boot_info *info);

/* One line per virtio disk: the requests it served and refused. */
void virtio_report(void);

#endif
