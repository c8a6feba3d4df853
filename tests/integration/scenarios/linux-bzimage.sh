# linux-pvh through Linux's x86 boot protocol instead: the partition boots
# the bzImage Debian ships (vmlinuz, what a user has in /boot), entered in
# 64-bit mode with boot_params; the kernel unpacks itself first, which
# takes the emulator a while.
source tests/integration/scenarios/linux-pvh.sh
TIMEOUT=1200
IMAGE_ARGS=(--extra build/linux/vmlinuz:vmlinuz --extra build/linux/initramfs.cpio.gz:initrd.gz)
LINUX_KERNEL=vmlinuz
