#!/usr/bin/env bash
# Builds fio for the Linux test guest's initramfs from Debian's own source
# package, linked statically, with only the engines a guest's disk needs
# (sync, psync, libaio...). Debian's binary package links the cluster, RDMA,
# NBD and persistent-memory engines' libraries directly (librados, librbd,
# libgfapi, libibverbs, libnbd with libxml2 and ICU: 63 libraries, 31 MiB
# compressed), which would multiply the initramfs a guest loads.
#
# Usage: guests/linux/build-fio.sh CACHE OUT
#   CACHE  where the source package is kept and reused (build/linux-cache)
#   OUT    the binary to write (build/linux/fio)
# apt reads the source from the mirror the system's own sources name,
# through a private list under CACHE: the system's apt setup is left as it is.
set -euo pipefail

cache=$(realpath -m "$1") out=$(realpath -m "$2")
apt_dir=$cache/fio-apt src_dir=$cache/fio-source
die() { echo "fio: $*" >&2; exit 1; }

# The system's Debian mirror and release, for a deb-src line of our own.
mirror() {
    local uri
    uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -v security | head -n 1)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++)
        if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null)
    echo "${uri:-http://deb.debian.org/debian}"
}

fetch_source() {
    local codename apt_options
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$src_dir"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $codename main" \
        >"$apt_dir/sources.list"
    apt_options=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
        -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
    [ "$(id -u)" -ne 0 ] || apt_options+=(-o APT::Sandbox::User=root)
    apt-get "${apt_options[@]}" update >"$apt_dir/update.log" 2>&1 ||
        die "apt could not read the source index (see $apt_dir/update.log)"
    (cd "$src_dir" && apt-get "${apt_options[@]}" source --download-only fio) >"$apt_dir/source.log" 2>&1 ||
        die "apt could not fetch fio's source package (see $apt_dir/source.log)"
}

ls "$src_dir"/fio_*.dsc >/dev/null 2>&1 || fetch_source
dsc=$(ls "$src_dir"/fio_*.dsc | tail -n 1)
work=$(mktemp -d "${TMPDIR:-/tmp}/fio-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-source --no-check -x "$dsc" "$work/fio" >"$work/unpack.log" 2>&1 ||
    die "dpkg-source could not unpack $dsc: $(tail -n 3 "$work/unpack.log")"
cd "$work/fio"
./configure --disable-native --disable-numa --disable-rdma --disable-rados --disable-rbd \
    --disable-gfapi --disable-pmem --disable-http --disable-libnfs --disable-xnvme --disable-dfs \
    --disable-libzbc --build-static >"$work/configure.log" 2>&1 ||
    die "configure failed: $(tail -n 5 "$work/configure.log")"
grep -q '^CONFIG_LIBAIO=y' config-host.mak || die "no libaio (tools/setup.sh installs libaio-dev)"
make -j"$(nproc)" fio >"$work/make.log" 2>&1 || die "make failed: $(tail -n 5 "$work/make.log")"
strip -o "$out.tmp" fio
mv "$out.tmp" "$out"
echo "fio: $(basename "$dsc" .dsc), static, $(($(stat -c %s "$out") / 1024)) KiB"
