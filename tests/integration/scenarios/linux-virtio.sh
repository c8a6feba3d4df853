# Debian's kernel gets a para-virtualized disk: `disk = virtio:disk.img`
# gives it a modern virtio-blk PCI function (1af4:1042 at 00:02.0, its
# registers behind a memory BAR at 0xc0000000, MSI-X) that dom0 serves from
# disk.img, mapped into dom0's memory. Debian's virtio_pci and virtio_blk
# drive it unmodified: the split virtqueue lives in the guest's RAM, each
# notification is a posted write (the vCPU goes on), each completion an
# MSI-X message. /init writes 1 MiB of numbered lines to /dev/vda, drops
# its caches, reads them back and compares; after a reboot the second boot
# finds them without writing.
source tests/integration/scenarios/linux-ide.sh
DISK_KIND=virtio
DISK_DEVICE=vda

check() {
    expect_exit 0
    expect_prefix_with "bulkhead: partition dom0: serves the disk of partition linux:" \
        "virtio:disk.img, $DISK_SECTORS sectors at 0x4000000000"
    expect_line "bulkhead: [dom0] dom0: serving 1 of 1 disk(s): 0 IDE, 1 virtio"
    expect_count "^bulkhead: \[dom0\] dom0: virtio disk of partition 2: [0-9]+ requests served, 0 refused$" 1
    expect_linux_disk_kept
}
