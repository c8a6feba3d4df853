#!/usr/bin/env bash
# Builds one raw disk image that boots Bulkhead in Bochs, in QEMU+OVMF and on a
# real machine from a USB stick written with dd: a GPT with a single EFI System
# partition at 1 MiB, formatted FAT32, holding everything in \EFI\BOOT\:
#
#   BOOTX64.EFI    the UEFI stub          (--efi)
#   bulkhead.cfg   the configuration      (--config)
#   bulkhead.elf   the core               (--core)
#   *.bin, *.elf   every guest image      (--guests DIR)
#
# Test scenarios change the set of files with --extra SRC:DEST (adds a file or
# replaces one; a DEST without a slash lands in \EFI\BOOT\) and --omit NAME
# (leaves one out). Needs no root: sfdisk writes the partition table into the
# file and mtools fills the file system at its offset, no loop devices.
#
# Usage: tools/mkimage.sh --out IMG --efi BOOTX64.EFI [--config CFG] [--core ELF]
#            [--guests DIR] [--extra SRC:DEST ...] [--omit NAME ...] [--size MiB]
set -euo pipefail

usage() { # usage [STATUS]: --help prints to stdout and succeeds
    if [ "${1:-2}" = 0 ]; then
        sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
    fi
    sed -n '/^# Usage:/,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
die() {
    echo "mkimage: $*" >&2
    exit 1
}

out= efi= config= core= guests= size_mib=
extras=() omits=()
while [ $# -gt 0 ]; do
    case "$1" in
    --out) out=${2:?}; shift 2 ;;
    --efi) efi=${2:?}; shift 2 ;;
    --config) config=${2:?}; shift 2 ;;
    --core) core=${2:?}; shift 2 ;;
    --guests) guests=${2:?}; shift 2 ;;
    --extra) extras+=("${2:?}"); shift 2 ;;
    --omit) omits+=("${2:?}"); shift 2 ;;
    --size) size_mib=${2:?}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "mkimage: unknown argument '$1'" >&2; usage ;;
    esac
done
[ -n "$out" ] || usage
[ -n "$efi" ] || [ ${#extras[@]} -gt 0 ] || usage
for tool in sfdisk mformat mcopy mmd minfo; do
    command -v "$tool" >/dev/null || die "$tool is missing (run tools/setup.sh)"
done

# The file list, keyed by the upper-cased destination path (FAT ignores case)
# so that --extra and --omit can replace or drop a default entry.
declare -A src_of dest_of
add_file() { # add_file SRC DEST
    local src=$1 dest=$2
    [[ $dest == */* ]] || dest="EFI/BOOT/$dest"
    dest=${dest#/}
    [ -f "$src" ] || die "no such file: $src"
    src_of[${dest^^}]=$src
    dest_of[${dest^^}]=$dest
}

[ -z "$efi" ] || add_file "$efi" BOOTX64.EFI
[ -z "$config" ] || add_file "$config" bulkhead.cfg
[ -z "$core" ] || add_file "$core" bulkhead.elf
if [ -n "$guests" ]; then
    [ -d "$guests" ] || die "no such directory: $guests"
    for guest in "$guests"/*.bin "$guests"/*.elf; do
        [ -e "$guest" ] && add_file "$guest" "$(basename "$guest")"
    done
fi
for extra in "${extras[@]}"; do
    [[ $extra == *:* ]] || die "--extra wants SRC:DEST, got '$extra'"
    add_file "${extra%%:*}" "${extra#*:}"
done
for name in "${omits[@]}"; do
    [[ $name == */* ]] || name="EFI/BOOT/$name"
    key=${name#/}
    key=${key^^}
    [ -n "${src_of[$key]+set}" ] || die "--omit $name: no such file in the image"
    unset "src_of[$key]" "dest_of[$key]"
done

# FAT32 needs at least 65525 clusters: with 512-byte clusters that is a 33 MiB
# partition, the smallest one. Grow it when the files need more, keeping 1 MiB
# in front (partition alignment) and 1 MiB behind (the backup GPT). Whole MiB
# keeps the size a multiple of 256 KiB, the cylinder size of Bochs's disk
# geometry (16 heads, 32 sectors per track).
payload=0
for key in "${!src_of[@]}"; do
    payload=$((payload + $(stat -L -c %s "${src_of[$key]}")))
done
part_mib=$(((payload * 11 / 10 + (1 << 20) - 1) / (1 << 20) + 1))
[ "$part_mib" -ge 33 ] || part_mib=33
min_mib=$((part_mib + 2))
if [ -z "$size_mib" ]; then
    size_mib=$min_mib
else
    [[ $size_mib =~ ^[0-9]+$ ]] || die "--size wants whole MiB, got '$size_mib'"
    [ "$size_mib" -ge "$min_mib" ] || die "--size $size_mib is too small: needs $min_mib MiB"
    part_mib=$((size_mib - 2))
fi

mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
truncate -s "${size_mib}M" "$tmp"
part_sectors=$((part_mib * 2048))
printf 'label: gpt\nstart=2048, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System"\n' \
    "$part_sectors" | sfdisk --quiet --no-reread --no-tell-kernel "$tmp" >/dev/null

export MTOOLS_SKIP_CHECK=1
fs="$tmp@@1M"
mformat -i "$fs" -F -T "$part_sectors" -H 2048 -v BULKHEAD :: >/dev/null
minfo -i "$fs" :: | grep 'disk type="FAT32' >/dev/null || die "mformat did not make FAT32"

declare -A made_dir
for key in $(printf '%s\n' "${!src_of[@]}" | sort); do
    dest=${dest_of[$key]}
    dir=
    IFS=/ read -ra parts <<<"${dest%/*}"
    [[ $dest == */* ]] || parts=()
    for part in "${parts[@]}"; do
        dir="$dir/$part"
        if [ -z "${made_dir[${dir^^}]+set}" ]; then
            mmd -i "$fs" "::$dir" 2>/dev/null || true
            made_dir[${dir^^}]=1
        fi
    done
    mcopy -i "$fs" -o "${src_of[$key]}" "::/$dest"
done

chmod 644 "$tmp" # mktemp made it private
mv "$tmp" "$out"
trap - EXIT
echo "mkimage: $out (${size_mib} MiB):" $(for key in $(printf '%s\n' "${!dest_of[@]}" | sort); do
    echo "${dest_of[$key]}"
done)
