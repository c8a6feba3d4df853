"""The cpio "newc" format the kernel unpacks an initramfs from.

Written here so the build needs no cpio tool. Every archive is reproducible:
owner root, time 0, inode numbers in entry order.
"""
import os
import stat

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


class Entry:
    """One file of the archive: its path (no leading '/'), mode and contents.

    A symbolic link's contents are its target; a device node has a major and
    minor number and no contents.
    """

    def __init__(self, path, mode, data=b"", device=(0, 0)):
        self.path = path
        self.mode = mode
        self.data = data
        self.device = device


def directory(path):
    return Entry(path, stat.S_IFDIR | 0o755)


def regular(path, data, permissions=0o644):
    return Entry(path, stat.S_IFREG | permissions, data)


def directories(paths):
    """The directories the paths lie in, parents first; a path ending in '/'
    names a directory itself."""
    folders = set()
    for path in paths:
        folder = os.path.dirname(path)
        while folder:
            folders.add(folder)
            folder = os.path.dirname(folder)
    return [directory(folder) for folder in sorted(folders)]


def symlink(path, target):
    return Entry(path, stat.S_IFLNK | 0o777, target.encode())


def char_device(path, major, minor, permissions=0o600):
    return Entry(path, stat.S_IFCHR | permissions, device=(major, minor))


def _pad4(length):
    return b"\0" * (-length % 4)


def _record(inode, entry):
    name = entry.path.encode() + b"\0"
    links = 2 if stat.S_ISDIR(entry.mode) else 1
    fields = (inode, entry.mode, 0, 0, links, 0, len(entry.data), 0, 0,
              entry.device[0], entry.device[1], len(name), 0)
    header = MAGIC + b"".join(b"%08X" % field for field in fields)
    return header + name + _pad4(len(header) + len(name)) + entry.data + _pad4(len(entry.data))


def archive(entries):
    """The bytes of a newc archive holding the entries, in order."""
    records = [_record(inode, entry) for inode, entry in enumerate(entries, 1)]
    records.append(_record(0, Entry(TRAILER, 0)))
    return b"".join(records)


def read(data):
    """The entries of a newc archive, up to its trailer."""
    entries = []
    at = 0
    while True:
        if data[at:at + 6] != MAGIC:
            raise ValueError(f"no newc header at offset {at}")
        fields = [int(data[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
        mode, size, major, minor, name_size = fields[1], fields[6], fields[9], fields[10], fields[11]
        name_at = at + 110
        path = data[name_at:name_at + name_size - 1].decode()
        data_at = name_at + name_size + len(_pad4(110 + name_size))
        if path == TRAILER:
            return entries
        entries.append(Entry(path, mode, data[data_at:data_at + size], (major, minor)))
        at = data_at + size + len(_pad4(size))
