/*
 * Multiboot v1, the format most small test kernels use: a header in the
 * first 8 KiB (magic, flags, checksum) and either ELF program headers or,
 * with flag bit 16, the a.out kludge's load addresses in the header itself.
 * The kernel starts in flat protected mode, paging off, with EAX =
 * 0x2BADB002 and EBX pointing at an information block: memory sizes, the
 * memory map, the command line and the initrd as the one module.
 */
#include "lib/boot_elf.h"
#include "lib/boot_image.h"

#define HEADER_MAGIC     0x1badb002u
#define HEADER_SEARCH    8192
#define HEADER_SIZE      32 /* up to entry_addr; the video fields are not read */
#define BOOTLOADER_MAGIC 0x2badb002u

#define FLAG_PAGE_ALIGN  (1u << 0)
#define FLAG_MEMORY_INFO (1u << 1)
#define FLAG_VIDEO_MODE  (1u << 2)
#define FLAG_AOUT_KLUDGE (1u << 16)
#define FLAGS_REQUIRED   0xffffu /* bits a loader must understand or refuse */

/* The information block and what it points at. */
#define INFO_FLAGS       0
#define INFO_MEM_LOWER   4
#define INFO_MEM_UPPER   8
#define INFO_CMDLINE     16
#define INFO_MODS_COUNT  20
#define INFO_MODS_ADDR   24
#define INFO_MMAP_LENGTH 44
#define INFO_MMAP_ADDR   48
#define INFO_LOADER_NAME 64
#define INFO_AREA        0x100 /* zeroed: the block and the names after it */
#define INFO_HAS_MEMORY  (1u << 0)
#define INFO_HAS_CMDLINE (1u << 2)
#define INFO_HAS_MODS    (1u << 3)
#define INFO_HAS_MMAP    (1u << 6)
#define INFO_HAS_NAME    (1u << 9)
#define LOADER_NAME_AT   (PC_BOOT_PARAMS + INFO_AREA)
#define MODULE_NAME_AT   (PC_BOOT_MODULES + 16)
#define MMAP_ENTRY_SIZE  24 /* a size word (20), base, length, type */

#define MIB      0x100000ull
#define KIB      1024ull
#define FOUR_GIB 0x100000000ull

struct multiboot_kernel {
    uint64_t header; /* file offset */
    uint32_t flags;
    uint64_t entry, end;
};

static uint32_t header_word(const struct boot_files *files, const struct multiboot_kernel *k,
                            unsigned offset)
{
    return (uint32_t)boot_read_le(files->kernel + k->header + offset, 4);
}

static const char *find_header(const struct boot_files *files, struct multiboot_kernel *k)
{
    uint64_t end = files->kernel_size < HEADER_SEARCH ? files->kernel_size : HEADER_SEARCH;

    for (k->header = 0; k->header + 12 <= end; k->header += 4) {
        uint32_t magic = header_word(files, k, 0);
        k->flags = header_word(files, k, 4);
        if (magic == HEADER_MAGIC && (uint32_t)(magic + k->flags + header_word(files, k, 8)) == 0)
            break;
    }
    if (k->header + 12 > end)
        return "the multiboot header is missing from the first 8 KiB";
    if (k->flags & FLAG_VIDEO_MODE)
        return "the multiboot kernel asks for a video mode, which a partition does not offer";
    if (k->flags & FLAGS_REQUIRED & ~(FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO))
        return "the multiboot kernel requires features this loader does not know";
    if ((k->flags & FLAG_AOUT_KLUDGE) && k->header + HEADER_SIZE > files->kernel_size)
        return "the multiboot header is truncated";
    return NULL;
}

/* The a.out kludge: the header says at which address it sits itself, which
 * gives where the file's bytes from load_addr on go. */
static const char *load_kludge(const struct boot_files *files, const struct guest_ram *ram,
                               struct multiboot_kernel *k)
{
    uint64_t header_addr = header_word(files, k, 12), load_addr = header_word(files, k, 16);
    uint64_t load_end = header_word(files, k, 20), bss_end = header_word(files, k, 24);
    uint64_t offset, length;

    if (header_addr < load_addr || header_addr - load_addr > k->header)
        return "the multiboot header's load address lies before the file";
    offset = k->header - (header_addr - load_addr);
    length = load_end ? load_end - load_addr : files->kernel_size - offset;
    if (load_end && (load_end < load_addr || length > files->kernel_size - offset))
        return "the multiboot header's load end lies outside the file";
    k->end = load_addr + length;
    if (bss_end && bss_end < k->end)
        return "the multiboot header's bss ends before the loaded part";
    if (bss_end)
        k->end = bss_end;
    if (load_addr < MIB)
        return "a segment lies below 1 MiB, where the boot structures are";
    if (!guest_ram_usable(ram, load_addr, k->end - load_addr))
        return "a segment lies past the partition's RAM";
    guest_ram_write(ram, load_addr, files->kernel + offset, length);
    guest_ram_zero(ram, load_addr + length, k->end - load_addr - length);
    k->entry = header_word(files, k, 28);
    if (k->entry < load_addr || k->entry >= k->end)
        return "the multiboot entry point lies outside the loaded kernel";
    return NULL;
}

/* ELF entry points are virtual; the loaded bytes are at physical addresses. */
static bool physical_entry(const struct boot_elf *elf, uint64_t *entry)
{
    struct boot_segment s;

    for (unsigned i = 0; i < elf->phnum; i++) {
        if (boot_elf_segment(elf, i, &s) && s.type == BOOT_PT_LOAD && elf->entry >= s.vaddr &&
            elf->entry - s.vaddr < s.mem_size) {
            *entry = s.paddr + (elf->entry - s.vaddr);
            return true;
        }
    }
    return false;
}

static const char *load_elf(const struct boot_files *files, const struct guest_ram *ram,
                            struct multiboot_kernel *k)
{
    struct boot_elf elf;
    const char *problem = boot_elf_open(&elf, files->kernel, files->kernel_size);

    if (problem && files->kernel_size >= 4 && boot_read_le(files->kernel, 4) != 0x464c457f)
        return "a multiboot kernel without the a.out kludge (flag 16) must be an ELF file";
    if (problem)
        return problem;
    problem = boot_elf_load(&elf, ram, &k->end);
    if (problem)
        return problem;
    if (!physical_entry(&elf, &k->entry) || k->entry >= FOUR_GIB)
        return "the multiboot entry point lies outside the loaded kernel";
    return NULL;
}

static void write_memory(const struct guest_ram *ram)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(ram->size, map);
    uint64_t low = ram->size < PC_LOW_RAM_END ? ram->size : PC_LOW_RAM_END;
    uint64_t high_end = pc_layout_low_ram_end(ram->size);

    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_MEM_LOWER, low / KIB, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_MEM_UPPER, high_end > MIB ? (high_end - MIB) / KIB : 0,
                  4);
    for (unsigned i = 0; i < count; i++) {
        uint64_t entry = PC_BOOT_MAP + i * MMAP_ENTRY_SIZE;
        guest_ram_put(ram, entry, MMAP_ENTRY_SIZE - 4, 4);
        guest_ram_put(ram, entry + 4, map[i].start, 8);
        guest_ram_put(ram, entry + 12, map[i].size, 8);
        guest_ram_put(ram, entry + 20, map[i].type, 4);
    }
    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_MMAP_LENGTH, count * MMAP_ENTRY_SIZE, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_MMAP_ADDR, PC_BOOT_MAP, 4);
}

static void write_module(const struct guest_ram *ram, uint64_t initrd, uint64_t size)
{
    guest_ram_put(ram, PC_BOOT_MODULES, initrd, 4);
    guest_ram_put(ram, PC_BOOT_MODULES + 4, initrd + size, 4);
    guest_ram_put(ram, PC_BOOT_MODULES + 8, MODULE_NAME_AT, 4);
    guest_ram_put(ram, PC_BOOT_MODULES + 12, 0, 4);
    guest_ram_write(ram, MODULE_NAME_AT, "initrd", 7);
    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_MODS_ADDR, PC_BOOT_MODULES, 4);
}

static const char *write_info(const struct boot_files *files, const struct guest_ram *ram,
                              uint64_t kernel_end)
{
    uint32_t flags =
        INFO_HAS_MEMORY | INFO_HAS_CMDLINE | INFO_HAS_MODS | INFO_HAS_MMAP | INFO_HAS_NAME;
    uint64_t cmdline_length, initrd;
    const char *problem;

    if (!guest_ram_zero(ram, PC_BOOT_PARAMS, INFO_AREA + 16))
        return "the partition's RAM is too small for the boot structures";
    problem = boot_place_cmdline(files, ram, &cmdline_length);
    if (!problem)
        problem = boot_place_initrd(files, ram, FOUR_GIB, kernel_end, &initrd);
    if (problem)
        return problem;
    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_FLAGS, flags, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_CMDLINE, PC_BOOT_CMDLINE, 4);
    write_memory(ram);
    guest_ram_write(ram, LOADER_NAME_AT, "Bulkhead", 9);
    guest_ram_put(ram, PC_BOOT_PARAMS + INFO_LOADER_NAME, LOADER_NAME_AT, 4);
    if (files->initrd_size) {
        write_module(ram, initrd, files->initrd_size);
        guest_ram_put(ram, PC_BOOT_PARAMS + INFO_MODS_COUNT, 1, 4);
    }
    return NULL;
}

const char *boot_multiboot_load(const struct boot_files *files, const struct guest_ram *ram,
                                struct boot_entry *entry)
{
    struct multiboot_kernel k = {0};
    const char *problem = find_header(files, &k);

    if (!problem)
        problem =
            (k.flags & FLAG_AOUT_KLUDGE) ? load_kludge(files, ram, &k) : load_elf(files, ram, &k);
    if (!problem)
        problem = write_info(files, ram, k.end);
    if (problem)
        return problem;
    *entry = (struct boot_entry){.mode = BOOT_ENTRY_PROTECTED32,
                                 .rip = k.entry,
                                 .rax = BOOTLOADER_MAGIC,
                                 .rbx = PC_BOOT_PARAMS};
    return NULL;
}
