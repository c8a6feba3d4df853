/*
 * Where the device models of the privileged partition (dom0) sit in a
 * served partition's machine: what the config forwards to dom0 for a
 * `disk` or `console = virtio` (lib/config_emulate.c) and what dom0's
 * models answer at (guests/dom0/). One place for both, so they cannot
 * drift apart.
 */
#ifndef BULKHEAD_DEVICE_MODELS_H
#define BULKHEAD_DEVICE_MODELS_H

/* The PIIX IDE controller of `disk = ide:...`: its primary channel in
 * legacy mode, and its PCI function (bus 0, function 0). */
#define MODEL_IDE_COMMAND_PORT  0x1f0u
#define MODEL_IDE_COMMAND_PORTS 8u
#define MODEL_IDE_CONTROL_PORT  0x3f6u
#define MODEL_IDE_IRQ           14u
#define MODEL_IDE_PCI_SLOT      1u

/* The virtio functions (bus 0, function 0), each with its registers behind
 * one memory BAR of MODEL_VIRTIO_BAR_SIZE in the partition's PCI window. */
#define MODEL_VIRTIO_BAR_SIZE         0x8000u
#define MODEL_VIRTIO_BLK_PCI_SLOT     2u /* `disk = virtio:...` */
#define MODEL_VIRTIO_BLK_BAR          0xc0000000u
#define MODEL_VIRTIO_CONSOLE_PCI_SLOT 3u /* `console = virtio` */
#define MODEL_VIRTIO_CONSOLE_BAR      (MODEL_VIRTIO_BLK_BAR + MODEL_VIRTIO_BAR_SIZE)

#endif
