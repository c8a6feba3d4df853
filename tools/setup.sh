#!/usr/bin/env bash
# Installs everything Bulkhead needs to build and test on Debian 12:
#   tools/setup.sh             (as root, or as a user who may use sudo)
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
    build-essential nasm       # compilers, binutils, make; the assembler
    gnu-efi                    # the UEFI stub's headers, crt0 and linker script
    libcriterion-dev           # host unit tests
    clang lld libclang-rt-dev  # fuzz harnesses (libFuzzer's runtime is in libclang-rt)
    clang-format               # make format-check
    bochs bochsbios vgabios    # the test bed: emulated VT-x with EPT
    bochs-x xvfb x11-apps      # a Bochs screen: its X window on a virtual X server, read by xwd
    x11-utils libxtst6         # typing at that window: xwininfo finds it, XTEST presses the keys
    ovmf                       # UEFI firmware for Bochs and QEMU
    qemu-system-x86            # QEMU (TCG, and nested KVM where the host has VT-x)
    mtools fdisk dosfstools    # the disk image: FAT32 without root, GPT with sfdisk
    console-setup-linux        # the PC console font compiled into the core
    python3                    # build and report helpers
    libaio-dev zlib1g-dev      # the Linux guest's fio, built static from Debian's source
)

# Installing packages needs root: a fresh Debian may have no sudo at all, so
# sudo is asked for only when the script is not already root.
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "setup: needs root to install packages; run it as root (su -c $0)" >&2
        exit 1
    fi
    exec sudo -- "$0" "$@"
fi
if ! command -v apt-get >/dev/null; then
    echo "setup: apt-get not found; this script supports Debian 12 (and derivatives)." >&2
    echo "setup: install the equivalents of: ${packages[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"

# The emulator wrapper checks the few files the runs use directly.
for file in /usr/share/ovmf/OVMF.fd /usr/share/bochs/VGABIOS-lgpl-latest \
    /usr/share/consolefonts/Lat15-VGA16.psf.gz /usr/lib/crt0-efi-x86_64.o \
    /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_x_gui.so /usr/bin/Xvfb /usr/bin/xwd; do
    [ -e "$file" ] || { echo "setup: $file is missing after the install" >&2; exit 1; }
done
echo "setup: done"
