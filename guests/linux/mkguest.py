#!/usr/bin/env python3
"""Builds the Linux test guest from Debian packages only.

Downloads linux-image-amd64, the versioned kernel package it depends on and
busybox-static into the cache directory (reused when they are there), and
writes to the output directory:
  vmlinuz             Debian's bzImage, as the package ships it
  vmlinux             the uncompressed kernel inside it, with its PVH entry
  initramfs.cpio.gz   busybox, its applet links, guests/linux/init as /init
                      and the kernel modules it always loads (GUEST_MODULES) and
                      the named ones, with what they depend on, and those it
                      loads when asked (ON_DEMAND_MODULES)

Usage: guests/linux/mkguest.py --cache DIR --out DIR [--modules "a b"]
"""
import argparse
import glob
import gzip
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_image  # noqa: E402
import newc  # noqa: E402

META_PACKAGE = "linux-image-amd64"
BUSYBOX_PACKAGE = "busybox-static"
INIT_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "init")
# The ACPI power button (the `shutdown NAME` of dom0's shell) reaches
# busybox's acpid as a key of an input device.
GUEST_MODULES = ["button", "evdev"]
# In the initramfs but loaded only by a guest given a disk (bulkhead.disk=):
# the IDE controller's driver and the SCSI disk on top of libata; virtio's
# PCI transport and its block driver.
ON_DEMAND_MODULES = ["ata_piix", "sd_mod", "virtio_pci", "virtio_blk", "virtio_console"]
# Mount points: empty directories of the initramfs.
ROOT_DIRECTORIES = ["proc/", "sys/", "tmp/"]


class BuildError(Exception):
    """A step failed; the message says which and why."""


def run(command, **options):
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True, **options).stdout
    except FileNotFoundError:
        raise BuildError(f"{command[0]} not found (tools/setup.sh installs what the build needs)")
    except subprocess.CalledProcessError as failed:
        raise BuildError(f"{' '.join(command)} failed:\n{failed.stderr.strip()}")


def deb_field(deb, field):
    return run(["dpkg-deb", "-f", deb, field]).strip()


def apt_download(cache, package):
    """Fetches one package by its exact name (a glob would match every version)."""
    command = ["apt-get", "download", package]
    if os.geteuid() == 0:
        # apt's download user may not reach the cache; root fetches it itself.
        command[1:1] = ["-o", "APT::Sandbox::User=root"]
    try:
        run(command, cwd=cache)
    except BuildError as error:
        raise BuildError(f"apt could not fetch {package} (is the network up, and has "
                         f"`apt-get update` run?)\n{error}")


def cached_deb(cache, name, version=None):
    """The cached .deb of a package (of that version), downloaded if missing."""
    def matches():
        found = glob.glob(os.path.join(cache, f"{name}_*.deb"))
        if version:
            found = [deb for deb in found if deb_field(deb, "Version") == version]
        return sorted(found, key=os.path.getmtime)

    if not matches():
        apt_download(cache, f"{name}={version}" if version else name)
    found = matches()
    if not found:
        raise BuildError(f"apt-get download {name} left no {name}_*.deb in {cache}")
    return found[-1]


def kernel_package(meta_deb):
    """The versioned kernel package the meta package pins: (name, version)."""
    for alternative in deb_field(meta_deb, "Depends").split(","):
        words = alternative.replace("(", " ").replace(")", " ").split()
        if words and words[0].startswith("linux-image-") and words[0].endswith("-amd64"):
            version = words[2] if len(words) >= 3 and words[1] == "=" else None
            return words[0], version
    raise BuildError(f"{meta_deb} depends on no linux-image-<version>-amd64")


def unpack(deb, scratch):
    """Unpacks a .deb into a new directory of scratch, a temporary directory:
    the build directory holds only the .deb files, whose trees (with their
    *.d folders) would confuse make's search for dependency files."""
    tree = os.path.join(scratch, os.path.basename(deb)[:-len(".deb")])
    run(["dpkg-deb", "-x", deb, tree])
    return tree


def write_file(path, data):
    """Writes through a temporary name, so a failed build leaves no half file."""
    with open(path + ".tmp", "wb") as out:
        out.write(data)
    os.replace(path + ".tmp", path)


def kernel_images(kernel_tree, release, out):
    """Writes vmlinuz and the vmlinux inside it; returns the PVH entry."""
    with open(os.path.join(kernel_tree, "boot", f"vmlinuz-{release}"), "rb") as image:
        bzimage = image.read()
    try:
        vmlinux = kernel_image.vmlinux_from_bzimage(bzimage)
    except kernel_image.ImageError as error:
        raise BuildError(f"vmlinuz-{release}: {error}")
    entry = kernel_image.pvh_entry(vmlinux)
    if entry is None:
        raise BuildError(f"vmlinuz-{release}: its vmlinux has no PVH entry note "
                         "(XEN_ELFNOTE_PHYS32_ENTRY, type 18)")
    write_file(os.path.join(out, "vmlinuz"), bzimage)
    write_file(os.path.join(out, "vmlinux"), vmlinux)
    return entry


def module_index(modules_dir):
    """Each module's name (dashes as underscores) to its path under modules_dir."""
    index = {}
    for folder, _, files in os.walk(os.path.join(modules_dir, "kernel")):
        for file in files:
            if file.endswith(".ko"):
                path = os.path.relpath(os.path.join(folder, file), modules_dir)
                index[file[:-3].replace("-", "_")] = path
    return index


def modules_in_load_order(modules_dir, names):
    """The .ko paths of the named modules and their dependencies, dependencies
    first, and for each path the paths it needs (directly or not)."""
    index = module_index(modules_dir)
    with open(os.path.join(modules_dir, "modules.builtin")) as builtin_list:
        builtin = {os.path.basename(line.strip())[:-3].replace("-", "_") for line in builtin_list}
    needs = {}

    def visit(name, wanted_by):
        name = name.replace("-", "_")
        if name in builtin:
            return set()
        if name not in index:
            raise BuildError(f"module {name} ({wanted_by}) is not in {modules_dir}")
        path = index[name]
        if path not in needs:
            with open(os.path.join(modules_dir, path), "rb") as module:
                dependencies = kernel_image.module_depends(module.read())
            needed = set()
            for dependency in dependencies:
                needed |= visit(dependency, f"needed by {name}")
            needs[path] = needed  # insertion order is the load order
        return needs[path] | {path}

    for name in names:
        visit(name, "asked for")
    return list(needs), needs


def module_entries(modules_dir, release, order, needs):
    """The .ko files and a modules.dep for them (busybox modprobe reads it)."""
    entries = []
    dep_lines = []
    for path in order:
        with open(os.path.join(modules_dir, path), "rb") as module:
            entries.append(newc.regular(f"lib/modules/{release}/{path}", module.read()))
        # modules.dep names a module's dependencies last-loaded first.
        dependencies = [needed for needed in reversed(order) if needed in needs[path]]
        dep_lines.append(f"{path}: {' '.join(dependencies)}".rstrip() + "\n")
    entries.append(newc.regular(f"lib/modules/{release}/modules.dep", "".join(dep_lines).encode()))
    return entries


def busybox_entries(busybox_tree):
    """busybox itself and a link to it for every applet it was built with."""
    busybox = os.path.join(busybox_tree, "bin", "busybox")
    applets = run([busybox, "--list-full"]).split()
    with open(busybox, "rb") as binary:
        entries = [newc.regular("bin/busybox", binary.read(), 0o755)]
    for applet in sorted(set(applets) - {"bin/busybox"}):
        target = os.path.relpath("bin/busybox", os.path.dirname(applet))
        entries.append(newc.symlink(applet, target))
    return entries


def guest_conf(release, package_version, module_paths):
    return (f"KERNEL_RELEASE={release}\n"
            f"KERNEL_PACKAGE_VERSION={package_version}\n"
            f"MODULES=\"{' '.join(module_paths)}\"\n").encode()


def fio_entries(fio):
    """fio (guests/linux/build-fio.sh: static, from Debian's source package)."""
    with open(fio, "rb") as binary:
        return [newc.regular("usr/bin/fio", binary.read(), 0o755)]


def initramfs(busybox_tree, modules_dir, release, package_version, module_names, fio):
    module_paths, needs = modules_in_load_order(modules_dir, module_names + ON_DEMAND_MODULES)
    boot_paths, _ = modules_in_load_order(modules_dir, module_names)
    # The kernel opens /dev/console for /init before anything mounts /dev.
    files = [newc.char_device("dev/console", 5, 1)]
    files += busybox_entries(busybox_tree)
    with open(INIT_SCRIPT, "rb") as script:
        files.append(newc.regular("init", script.read(), 0o755))
    files.append(newc.regular("etc/linux-guest.conf",
                              guest_conf(release, package_version, boot_paths)))
    files += module_entries(modules_dir, release, module_paths, needs)
    files += fio_entries(fio)
    folders = newc.directories(ROOT_DIRECTORIES + [entry.path for entry in files])
    return gzip.compress(newc.archive(folders + files), compresslevel=9, mtime=0)


def build(cache, out, module_names, fio):
    os.makedirs(cache, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    kernel_name, kernel_version = kernel_package(cached_deb(cache, META_PACKAGE))
    kernel_deb = cached_deb(cache, kernel_name, kernel_version)
    busybox_deb = cached_deb(cache, BUSYBOX_PACKAGE)
    release = kernel_name[len("linux-image-"):]
    package_version = deb_field(kernel_deb, "Version")
    with tempfile.TemporaryDirectory(prefix="linux-guest-") as scratch:
        kernel_tree = unpack(kernel_deb, scratch)
        entry = kernel_images(kernel_tree, release, out)
        modules_dir = os.path.join(kernel_tree, "lib", "modules", release)
        image = initramfs(unpack(busybox_deb, scratch), modules_dir, release, package_version,
                          module_names, fio)
    write_file(os.path.join(out, "initramfs.cpio.gz"), image)
    write_file(os.path.join(out, "release"), f"{release} {package_version}\n".encode())
    print(f"linux guest: {kernel_name} {package_version}, PVH entry {entry:#x}, "
          f"{len(image) // 1024} KiB initramfs, modules: {' '.join(module_names) or 'none'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", required=True, help="where the .deb files are kept")
    parser.add_argument("--out", required=True, help="where the guest's files go")
    parser.add_argument("--modules", default="", help="kernel modules for the initramfs")
    parser.add_argument("--fio", required=True, help="the fio binary for the initramfs")
    args = parser.parse_args()
    try:
        extra = [name for name in args.modules.replace(",", " ").split()
                 if name not in GUEST_MODULES]
        build(args.cache, args.out, GUEST_MODULES + extra, args.fio)
    except BuildError as error:
        sys.exit(f"linux guest: {error}")


if __name__ == "__main__":
    main()
