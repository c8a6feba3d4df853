/*
 * The virtio 1.x PCI transport and block device as both ends see them
 * (virtio spec 4.1 and 5.2): the common configuration's registers, the
 * device status bits, the vendor capabilities' types, the feature bits
 * Bulkhead uses and a block request's header. Shared by dom0's device and
 * the guests' driver, as lib/virtio_ring.h is for the queue.
 */
#ifndef LIB_VIRTIO_PCI_H
#define LIB_VIRTIO_PCI_H

#include <stdint.h>

#define VIRTIO_PCI_VENDOR         0x1af4
#define VIRTIO_PCI_BLK_DEVICE     0x1042 /* 0x1040 + device type 2 */
#define VIRTIO_PCI_CONSOLE_DEVICE 0x1043 /* 0x1040 + device type 3 */
#define VIRTIO_PCI_CAP_ID         0x09   /* a vendor capability */

/* cfg_type of a vendor capability: which structure it places in a BAR. */
enum virtio_pci_cap_type {
    VIRTIO_PCI_CAP_COMMON = 1,
    VIRTIO_PCI_CAP_NOTIFY = 2,
    VIRTIO_PCI_CAP_ISR = 3,
    VIRTIO_PCI_CAP_DEVICE = 4,
};

/* The common configuration's registers (4.1.4.3). */
enum virtio_common_register {
    VIRTIO_DEVICE_FEATURE_SELECT = 0x00,
    VIRTIO_DEVICE_FEATURE = 0x04,
    VIRTIO_DRIVER_FEATURE_SELECT = 0x08,
    VIRTIO_DRIVER_FEATURE = 0x0c,
    VIRTIO_MSIX_CONFIG = 0x10,
    VIRTIO_NUM_QUEUES = 0x12,
    VIRTIO_DEVICE_STATUS = 0x14,
    VIRTIO_CONFIG_GENERATION = 0x15,
    VIRTIO_QUEUE_SELECT = 0x16,
    VIRTIO_QUEUE_SIZE = 0x18,
    VIRTIO_QUEUE_MSIX_VECTOR = 0x1a,
    VIRTIO_QUEUE_ENABLE = 0x1c,
    VIRTIO_QUEUE_NOTIFY_OFF = 0x1e,
    VIRTIO_QUEUE_DESC = 0x20,
    VIRTIO_QUEUE_DRIVER = 0x28,
    VIRTIO_QUEUE_DEVICE = 0x30,
};

#define VIRTIO_NO_VECTOR 0xffff

/* The device status register's bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER      0x02
#define VIRTIO_STATUS_DRIVER_OK   0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40

#define VIRTIO_F_VERSION_1    (1ull << 32)
#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX  (1ull << 2)
#define VIRTIO_BLK_F_FLUSH    (1ull << 9)

/* A block request: this header, the data, one status byte (5.2.6). */
struct virtio_blk_request_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

#define VIRTIO_BLK_T_IN     0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_T_GET_ID 8u

#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

#endif
