#!/usr/bin/env python3
"""Checks the Linux test guest mkguest.py wrote, without booting it.

Usage: guests/linux/check.py DIR      (DIR holds vmlinux, vmlinuz,
initramfs.cpio.gz and release). Prints one line per check and a last line
"linux guest check: N passed, N failed"; exits 1 when any failed.
"""
import gzip
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_image  # noqa: E402
import newc  # noqa: E402

# The applets /init calls: a busybox built without one would fail at boot.
INIT_APPLETS = ["sh", "mount", "cut", "cat", "grep", "awk", "wc", "uname", "mkdir", "dd",
                "tee", "md5sum", "sleep", "insmod", "setsid", "cttyhack", "poweroff", "printf",
                "chmod", "acpid", "od", "tr", "reboot", "date"]


class Failed(Exception):
    """A check found the guest wrong; the message says how."""


class Guest:
    """The guest's files, read once."""

    def __init__(self, folder):
        def read(name):
            with open(os.path.join(folder, name), "rb") as file:
                return file.read()

        self.vmlinux = read("vmlinux")
        self.vmlinuz = read("vmlinuz")
        self.release, self.package_version = read("release").decode().split()
        self.entries = newc.read(gzip.decompress(read("initramfs.cpio.gz")))
        self.files = {entry.path: entry for entry in self.entries}

    def conf(self):
        """etc/linux-guest.conf's assignments, quotes removed."""
        text = self.files["etc/linux-guest.conf"].data.decode()
        pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
        return {key: value.strip('"') for key, value in pairs}


def check_pvh_note(guest):
    entry = kernel_image.pvh_entry(guest.vmlinux)
    if entry is None:
        raise Failed("vmlinux has no PVH entry note (type 18)")
    return f"PVH entry {entry:#x}"


def check_vmlinux_is_vmlinuz(guest):
    if kernel_image.vmlinux_from_bzimage(guest.vmlinuz) != guest.vmlinux:
        raise Failed("vmlinux is not the kernel inside vmlinuz")
    return "vmlinux is the kernel inside vmlinuz"


def check_kernel_release(guest):
    banner = f"Linux version {guest.release} ".encode()
    if banner not in guest.vmlinux or f"Debian {guest.package_version} ".encode() not in guest.vmlinux:
        raise Failed(f"vmlinux is not Linux {guest.release} of Debian {guest.package_version}")
    conf = guest.conf()
    if (conf.get("KERNEL_RELEASE"), conf.get("KERNEL_PACKAGE_VERSION")) != (
            guest.release, guest.package_version):
        raise Failed("etc/linux-guest.conf names another kernel than vmlinux is")
    return f"kernel {guest.release}, Debian {guest.package_version}"


def check_init(guest):
    init = guest.files.get("init")
    if init is None or not stat.S_ISREG(init.mode) or not init.mode & 0o100:
        raise Failed("initramfs has no executable /init")
    if not init.data.startswith(b"#!/bin/sh\n"):
        raise Failed("/init is not a shell script")
    return "/init is an executable shell script"


def check_busybox(guest):
    busybox = guest.files.get("bin/busybox")
    if busybox is None or not busybox.mode & 0o100 or not busybox.data.startswith(b"\x7fELF"):
        raise Failed("initramfs has no executable bin/busybox")
    links = {os.path.basename(e.path) for e in guest.entries if stat.S_ISLNK(e.mode)}
    missing = [applet for applet in INIT_APPLETS if applet not in links]
    if missing:
        raise Failed(f"no applet link for: {' '.join(missing)}")
    return f"busybox with {len(links)} applet links"


def check_tree(guest):
    """Every entry's directory comes before it; /dev/console is the console."""
    seen = {""}
    for entry in guest.entries:
        if os.path.dirname(entry.path) not in seen:
            raise Failed(f"{entry.path} comes before its directory")
        seen.add(entry.path)
    console = guest.files.get("dev/console")
    if console is None or not stat.S_ISCHR(console.mode) or console.device != (5, 1):
        raise Failed("dev/console is not the character device 5:1")
    return f"{len(guest.entries)} entries in order, dev/console 5:1"


def check_modules(guest):
    listed = guest.conf().get("MODULES", "").split()
    for module in listed:
        if f"lib/modules/{guest.release}/{module}" not in guest.files:
            raise Failed(f"module {module} is listed but not in the initramfs")
    return f"{len(listed)} modules listed, all present"


def check_fio(guest):
    """fio is there, and static: the initramfs has no shared libraries."""
    fio = guest.files.get("usr/bin/fio")
    if fio is None or not fio.mode & 0o100 or not fio.data.startswith(b"\x7fELF"):
        raise Failed("initramfs has no executable usr/bin/fio")
    if b"ld-linux" in fio.data[:4096]:  # a dynamic binary names its loader up front
        raise Failed("usr/bin/fio wants a dynamic loader the initramfs does not have")
    return f"usr/bin/fio, static, {len(fio.data) // 1024} KiB"


def check_init_syntax(guest):
    """busybox's own shell parses /init (sh -n reads without running)."""
    with tempfile.TemporaryDirectory() as folder:
        for name in ("bin/busybox", "init"):
            path = os.path.join(folder, os.path.basename(name))
            with open(path, "wb") as file:
                file.write(guest.files[name].data)
            os.chmod(path, 0o755)
        result = subprocess.run([os.path.join(folder, "busybox"), "sh", "-n",
                                 os.path.join(folder, "init")], capture_output=True, text=True)
    if result.returncode != 0:
        raise Failed(f"/init does not parse: {result.stderr.strip()}")
    return "/init parses"


CHECKS = [check_pvh_note, check_vmlinux_is_vmlinuz, check_kernel_release, check_init,
          check_busybox, check_tree, check_modules, check_fio, check_init_syntax]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip())
    guest = Guest(sys.argv[1])
    passed = failed = 0
    for check in CHECKS:
        ok = False
        try:
            message, ok = check(guest), True
        except Failed as failure:
            message = str(failure)
        except (KeyError, ValueError, kernel_image.ImageError) as error:
            message = f"not readable: {error!r}"
        print(f"{'ok  ' if ok else 'FAIL'} {check.__name__[6:]}: {message}")
        passed, failed = passed + ok, failed + (not ok)
    print(f"linux guest check: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
