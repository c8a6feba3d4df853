/*
 * What the kernel loaders share (see boot_image.h): telling the formats
 * apart, the partition's RAM through the PC layout, and placing the
 * command line and the initrd.
 */
#include "lib/boot_image.h"

#include "lib/boot_elf.h"
#include "lib/string.h"

#define PAGE_SIZE 0x1000ull
#define FOUR_GIB  0x100000000ull

#define LINUX_BOOT_FLAG_OFFSET   0x1fe
#define LINUX_HEADER_OFFSET      0x202
#define MULTIBOOT_MAGIC          0x1badb002u
#define MULTIBOOT_SEARCH         8192 /* the header is in the first 8 KiB */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

uint64_t boot_read_le(const uint8_t *bytes, unsigned count)
{
    uint64_t value = 0;

    while (count-- > 0)
        value = (value << 8) | bytes[count];
    return value;
}

void boot_write_le(uint8_t *bytes, uint64_t value, unsigned count)
{
    for (unsigned i = 0; i < count; i++, value >>= 8)
        bytes[i] = (uint8_t)value;
}

/* ---- which format ------------------------------------------------------- */

static bool is_bzimage(const uint8_t *file, uint64_t size)
{
    return size >= LINUX_HEADER_OFFSET + 4 &&
           boot_read_le(file + LINUX_BOOT_FLAG_OFFSET, 2) == 0xaa55 &&
           !memcmp(file + LINUX_HEADER_OFFSET, "HdrS", 4);
}

static bool is_multiboot(const uint8_t *file, uint64_t size)
{
    uint64_t end = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;

    for (uint64_t at = 0; at + 12 <= end; at += 4) {
        uint32_t magic = (uint32_t)boot_read_le(file + at, 4);
        uint32_t flags = (uint32_t)boot_read_le(file + at + 4, 4);
        uint32_t checksum = (uint32_t)boot_read_le(file + at + 8, 4);
        if (magic == MULTIBOOT_MAGIC && (uint32_t)(magic + flags + checksum) == 0)
            return true;
    }
    return false;
}

static bool has_pvh_note(const uint8_t *file, uint64_t size)
{
    struct boot_elf elf;
    const uint8_t *desc;
    uint64_t desc_size;

    return !boot_elf_open(&elf, file, size) && elf.is64 &&
           boot_elf_find_note(&elf, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &desc, &desc_size);
}

enum boot_image_format boot_image_format(const uint8_t *file, uint64_t size)
{
    if (is_bzimage(file, size))
        return BOOT_IMAGE_LINUX;
    if (is_multiboot(file, size))
        return BOOT_IMAGE_MULTIBOOT;
    if (has_pvh_note(file, size))
        return BOOT_IMAGE_PVH;
    if (size >= 4 && file[0] == 0x7f && file[1] == 'E' && file[2] == 'L' && file[3] == 'F')
        return BOOT_IMAGE_ELF;
    return BOOT_IMAGE_FLAT;
}

bool boot_image_is_kernel(enum boot_image_format format)
{
    return format == BOOT_IMAGE_LINUX || format == BOOT_IMAGE_PVH || format == BOOT_IMAGE_MULTIBOOT;
}

const char *boot_kernel_load(const struct boot_files *files, const struct guest_ram *ram,
                             struct boot_entry *entry)
{
    switch (boot_image_format(files->kernel, files->kernel_size)) {
    case BOOT_IMAGE_LINUX:
        return boot_linux_load(files, ram, entry);
    case BOOT_IMAGE_PVH:
        return boot_pvh_load(files, ram, entry);
    case BOOT_IMAGE_MULTIBOOT:
        return boot_multiboot_load(files, ram, entry);
    case BOOT_IMAGE_ELF:
        if (files->kernel_size > 4 && files->kernel[4] == 2)
            return "the PVH entry note is missing from this ELF64 kernel";
        return "not a bzImage, a PVH vmlinux or a multiboot kernel";
    default:
        return "not a bzImage, a PVH vmlinux or a multiboot kernel";
    }
}

/* ---- the partition's RAM ------------------------------------------------ */

bool guest_ram_usable(const struct guest_ram *ram, uint64_t address, uint64_t length)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(ram->size, map);

    for (unsigned i = 0; i < count; i++) {
        if (map[i].type == PC_MEMORY_RAM && address >= map[i].start &&
            address - map[i].start <= map[i].size &&
            length <= map[i].size - (address - map[i].start))
            return true;
    }
    return false;
}

/* The host bytes behind usable guest RAM (one piece holds each RAM range). */
static uint8_t *host_bytes(const struct guest_ram *ram, uint64_t address)
{
    struct pc_ram_piece pieces[PC_RAM_PIECES];
    unsigned count = pc_layout_ram_pieces(ram->size, pieces);

    for (unsigned i = 0; i < count; i++) {
        if (address >= pieces[i].guest && address - pieces[i].guest < pieces[i].size)
            return ram->host + pieces[i].block_offset + (address - pieces[i].guest);
    }
    return NULL;
}

bool guest_ram_write(const struct guest_ram *ram, uint64_t address, const void *bytes,
                     uint64_t length)
{
    if (!guest_ram_usable(ram, address, length))
        return false;
    if (ram->host && length)
        memcpy(host_bytes(ram, address), bytes, length);
    return true;
}

bool guest_ram_zero(const struct guest_ram *ram, uint64_t address, uint64_t length)
{
    if (!guest_ram_usable(ram, address, length))
        return false;
    if (ram->host && length)
        memset(host_bytes(ram, address), 0, length);
    return true;
}

bool guest_ram_put(const struct guest_ram *ram, uint64_t address, uint64_t value, unsigned count)
{
    uint8_t bytes[8];

    boot_write_le(bytes, value, count);
    return guest_ram_write(ram, address, bytes, count);
}

static uint64_t align_down(uint64_t value, uint64_t align)
{
    return value & ~(align - 1);
}

bool guest_ram_highest_fit(const struct guest_ram *ram, uint64_t length, uint64_t lowest,
                           uint64_t limit, uint64_t align, uint64_t *address)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(ram->size, map);
    bool found = false;

    for (unsigned i = 0; i < count; i++) {
        uint64_t start = map[i].start > lowest ? map[i].start : lowest;
        uint64_t top = map[i].start + map[i].size < limit ? map[i].start + map[i].size : limit;
        if (map[i].type != PC_MEMORY_RAM || top < start || top - start < length)
            continue;
        uint64_t at = align_down(top - length, align);
        if (at >= start && (!found || at > *address)) {
            *address = at;
            found = true;
        }
    }
    return found;
}

/* ---- command line and initrd ------------------------------------------- */

const char *boot_place_cmdline(const struct boot_files *files, const struct guest_ram *ram,
                               uint64_t *length)
{
    const char *cmdline = files->cmdline ? files->cmdline : "";
    uint64_t n = 0;

    while (n < PC_BOOT_CMDLINE_MAX && cmdline[n] != '\0')
        n++;
    if (n == PC_BOOT_CMDLINE_MAX)
        return "the command line is longer than the 4095 bytes a partition passes";
    *length = n;
    if (!guest_ram_write(ram, PC_BOOT_CMDLINE, cmdline, n + 1))
        return "the partition's RAM is too small for the boot structures";
    return NULL;
}

const char *boot_place_initrd(const struct boot_files *files, const struct guest_ram *ram,
                              uint64_t limit, uint64_t lowest, uint64_t *address)
{
    *address = 0;
    if (files->initrd_size == 0)
        return NULL;
    if (limit > FOUR_GIB)
        limit = FOUR_GIB;
    if (!guest_ram_highest_fit(ram, files->initrd_size, lowest, limit, PAGE_SIZE, address))
        return "the initrd does not fit in the partition's RAM above the kernel";
    guest_ram_write(ram, *address, files->initrd, files->initrd_size);
    return NULL;
}
