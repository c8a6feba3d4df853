/* The virtio devices dom0 serves over PCI (virtio spec 4.1, modern
 * devices): a virtio-blk function at PCI 00:02.0 whose memory BAR at
 * 0xc0000000 holds the common configuration, the ISR, the device
 * configuration, the notification area and the MSI-X table, and a
 * virtio-console function at 00:03.0 laid out alike at 0xc0008000. */
#ifndef GUESTS_DOM0_VIRTIO_MODELS_H
#define GUESTS_DOM0_VIRTIO_MODELS_H

#include <stdbool.h>
#include <stdint.h>

#include "guests/dom0/models.h"
#include "include/bulkhead/guest_abi.h"

extern const struct dom0_model virtio_function_model, virtio_registers_model, virtio_notify_model,
    virtio_msix_model;
extern const struct dom0_model virtio_console_function_model, virtio_console_registers_model,
    virtio_console_notify_model, virtio_console_msix_model;

/* A byte typed for the partition's virtio console, kept until its driver
 * gives a buffer; false when it has no console running, or it is full. */
bool virtio_console_input(uint32_t partition_id, uint8_t byte);

/* Gives each partition the boot-info page lists a virtio disk for its
 * disk; returns how many. */
unsigned virtio_attach_disks(const struct bulkhead_boot_info *info);

/* One line per virtio disk: the requests it served and refused. */
void virtio_report(void);

#endif
