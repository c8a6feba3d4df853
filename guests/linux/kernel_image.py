"""Reads Linux kernel images: the bzImage's setup header and payload, and
the ELF notes and sections of a vmlinux or a module.

Only the fields the build and the checks need; every offset is from Linux's
x86 boot protocol (Documentation/arch/x86/boot.rst) or the ELF64 format.
"""
import lzma
import struct

SETUP_MAGIC = b"HdrS"
XZ_MAGIC = b"\xfd7zXZ\x00"
ELF_MAGIC = b"\x7fELF"
PT_NOTE = 4
XEN_ELFNOTE_PHYS32_ENTRY = 18


class ImageError(Exception):
    """The file is not the kernel image it should be."""


def bzimage_payload(bzimage):
    """The compressed kernel inside a bzImage, found through its setup header.

    payload_offset and payload_length (boot protocol 2.08) locate it after
    the real-mode setup code, whose size setup_sects gives in sectors.
    """
    if bzimage[0x202:0x206] != SETUP_MAGIC:
        raise ImageError("no setup header (HdrS): not a bzImage")
    version = struct.unpack_from("<H", bzimage, 0x206)[0]
    if version < 0x208:
        raise ImageError(f"boot protocol {version:#x} has no payload fields (needs 2.08)")
    setup_sectors = bzimage[0x1F1] or 4
    offset, length = struct.unpack_from("<II", bzimage, 0x248)
    start = (setup_sectors + 1) * 512 + offset
    payload = bzimage[start:start + length]
    if len(payload) != length:
        raise ImageError("payload runs past the end of the bzImage")
    return payload


def vmlinux_from_bzimage(bzimage):
    """The uncompressed vmlinux (an ELF file) of an XZ-compressed bzImage."""
    payload = bzimage_payload(bzimage)
    if not payload.startswith(XZ_MAGIC):
        raise ImageError("payload is not XZ-compressed (kernel not built with CONFIG_KERNEL_XZ)")
    # The payload ends with the 4-byte uncompressed size after the XZ stream.
    decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    vmlinux = decompressor.decompress(payload)
    if not decompressor.eof:
        raise ImageError("XZ stream of the payload is truncated")
    if not vmlinux.startswith(ELF_MAGIC):
        raise ImageError("decompressed payload is not an ELF file")
    return vmlinux


def _elf64_header(elf):
    if elf[:4] != ELF_MAGIC or elf[4] != 2 or elf[5] != 1:
        raise ImageError("not a little-endian ELF64 file")
    return struct.unpack_from("<HHIQQQIHHHHHH", elf, 16)


def _notes_in(block):
    """(name, type, descriptor) of each note in a PT_NOTE segment's bytes."""
    at = 0
    while at + 12 <= len(block):
        name_size, desc_size, note_type = struct.unpack_from("<III", block, at)
        name_at = at + 12
        desc_at = name_at + (name_size + 3) // 4 * 4
        name = block[name_at:name_at + name_size].rstrip(b"\0").decode("ascii", "replace")
        yield name, note_type, block[desc_at:desc_at + desc_size]
        at = desc_at + (desc_size + 3) // 4 * 4


def elf_notes(elf):
    """Every note of an ELF64 file's PT_NOTE program headers."""
    fields = _elf64_header(elf)
    program_headers, entry_size, count = fields[4], fields[8], fields[9]
    for index in range(count):
        at = program_headers + index * entry_size
        kind, _, offset, _, _, size = struct.unpack_from("<IIQQQQ", elf, at)
        if kind == PT_NOTE:
            yield from _notes_in(elf[offset:offset + size])


def pvh_entry(vmlinux):
    """The 32-bit PVH entry point of a vmlinux, or None when it has none."""
    for name, note_type, desc in elf_notes(vmlinux):
        if name == "Xen" and note_type == XEN_ELFNOTE_PHYS32_ENTRY and len(desc) >= 4:
            return struct.unpack_from("<I", desc)[0]
    return None


def elf_section(elf, wanted):
    """The bytes of the named section of an ELF64 file (a module), or None."""
    fields = _elf64_header(elf)
    sections, entry_size, count, names_index = fields[5], fields[10], fields[11], fields[12]

    def header(index):
        return struct.unpack_from("<IIQQQQ", elf, sections + index * entry_size)

    names_offset = header(names_index)[4]
    for index in range(count):
        name_at, _, _, _, offset, size = header(index)
        end = elf.index(b"\0", names_offset + name_at)
        if elf[names_offset + name_at:end].decode() == wanted:
            return elf[offset:offset + size]
    return None


def module_depends(module):
    """The modules a .ko file needs loaded first, from its .modinfo section."""
    modinfo = elf_section(module, ".modinfo") or b""
    for field in modinfo.split(b"\0"):
        if field.startswith(b"depends="):
            return [name for name in field[8:].decode().split(",") if name]
    return []
