/*
 * The kernel loaders (lib/boot_*.c) on images built here: a good one of
 * each format lands where its protocol says with the boot structures
 * filled in, and broken ones (truncated, bad magic, old protocol, missing
 * note, segments outside RAM, no room for the initrd, a command line too
 * long) get their sentence without a byte written out of bounds.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "lib/boot_image.h"

#define MiB (1ull << 20)
#define RAM (32 * MiB)

static uint8_t *ram_bytes;
static struct guest_ram ram;
static uint8_t image[0x4000];

static void setup(void)
{
    ram_bytes = calloc(1, RAM);
    ram = (struct guest_ram){ram_bytes, RAM};
    memset(image, 0, sizeof(image));
}

static void teardown(void)
{
    free(ram_bytes);
}

static void put(uint8_t *at, uint64_t value, unsigned count)
{
    boot_write_le(at, value, count);
}

static uint64_t get(uint64_t address, unsigned count)
{
    return boot_read_le(ram_bytes + address, count);
}

static const char *load(uint64_t size, const uint8_t *initrd, uint64_t initrd_size,
                        const char *cmdline, struct boot_entry *entry)
{
    struct boot_files files = {image, size, initrd, initrd_size, cmdline};
    return boot_kernel_load(&files, &ram, entry);
}

/* ---- bzImage ------------------------------------------------------------ */

#define BZ_KERNEL_OFFSET 0x400 /* setup_sects = 1 */

static void make_bzimage(uint16_t version)
{
    image[0x1f1] = 1;
    put(image + 0x1fe, 0xaa55, 2);
    image[0x201] = 0x66; /* header ends at 0x268 */
    memcpy(image + 0x202, "HdrS", 4);
    put(image + 0x206, version, 2);
    image[0x211] = 0x01;               /* LOADED_HIGH */
    put(image + 0x22c, 0x7fffffff, 4); /* initrd_addr_max */
    put(image + 0x230, 0x200000, 4);   /* kernel_alignment */
    image[0x234] = 1;                  /* relocatable */
    put(image + 0x236, 0x1, 2);        /* XLF_KERNEL_64 */
    put(image + 0x238, 2047, 4);       /* cmdline_size */
    put(image + 0x258, 0x1000000, 8);  /* pref_address: 16 MiB */
    put(image + 0x260, 0x200000, 4);   /* init_size */
    memcpy(image + BZ_KERNEL_OFFSET, "KERNEL", 6);
}

Test(boot_linux, good_bzimage_fills_the_zero_page, .init = setup, .fini = teardown)
{
    static const uint8_t initrd[] = "INITRD";
    struct boot_entry entry;

    make_bzimage(0x020f);
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_LINUX);
    cr_assert_null(load(sizeof(image), initrd, sizeof(initrd), "console=ttyS0", &entry));
    cr_assert_eq(entry.mode, BOOT_ENTRY_LONG64);
    cr_assert_eq(entry.rip, 0x1000000 + 0x200);
    cr_assert_eq(entry.rsi, PC_BOOT_PARAMS);
    cr_assert_arr_eq(ram_bytes + 0x1000000, "KERNEL", 6);
    cr_assert_eq(get(PC_BOOT_PARAMS + 0x202, 4), 0x53726448, "the header is copied");
    cr_assert_eq(get(PC_BOOT_PARAMS + 0x210, 1), 0xff, "type_of_loader");
    cr_assert_eq(get(PC_BOOT_PARAMS + 0x228, 4), PC_BOOT_CMDLINE);
    cr_assert_str_eq((char *)ram_bytes + PC_BOOT_CMDLINE, "console=ttyS0");
    cr_assert_eq(get(PC_BOOT_PARAMS + 0x070, 8), PC_FIRMWARE_TABLES, "acpi_rsdp_addr");
    uint64_t initrd_at = get(PC_BOOT_PARAMS + 0x218, 4);
    cr_assert_eq(get(PC_BOOT_PARAMS + 0x21c, 4), sizeof(initrd));
    cr_assert_eq(initrd_at % 4096, 0);
    cr_assert(initrd_at >= RAM - 4096 && initrd_at + sizeof(initrd) <= RAM, "as high as it fits");
    cr_assert_arr_eq(ram_bytes + initrd_at, initrd, sizeof(initrd));
}

Test(boot_linux, e820_is_the_pc_layout, .init = setup, .fini = teardown)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(RAM, map);
    struct boot_entry entry;

    make_bzimage(0x020f);
    cr_assert_null(load(sizeof(image), NULL, 0, "", &entry));
    cr_assert_eq(get(PC_BOOT_PARAMS + 0x1e8, 1), count);
    for (unsigned i = 0; i < count; i++) {
        uint64_t e = PC_BOOT_PARAMS + 0x2d0 + i * 20;
        cr_assert_eq(get(e, 8), map[i].start);
        cr_assert_eq(get(e + 8, 8), map[i].size);
        cr_assert_eq(get(e + 16, 4), map[i].type);
    }
}

Test(boot_linux, relocates_when_the_preferred_address_is_not_ram, .init = setup, .fini = teardown)
{
    struct boot_entry entry;

    make_bzimage(0x020f);
    put(image + 0x258, 0x40000000, 8); /* 1 GiB: beyond 32 MiB */
    cr_assert_null(load(sizeof(image), NULL, 0, "", &entry));
    cr_assert_eq(entry.rip, 0x200000 + 0x200, "first 2 MiB-aligned address from 1 MiB");
    put(image + 0x230, 1, 4); /* any alignment: found without a walk address by address */
    cr_assert_null(load(sizeof(image), NULL, 0, "", &entry));
    cr_assert_eq(entry.rip, 0x100000 + 0x200);
    put(image + 0x230, 0x200000, 4);
    image[0x234] = 0;
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the kernel does not fit in the partition's RAM at its preferred address");
}

Test(boot_linux, refuses_old_or_broken_headers, .init = setup, .fini = teardown)
{
    struct boot_entry entry;

    make_bzimage(0x020a);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "boot protocol 2.10 is older than 2.12");
    make_bzimage(0x020f);
    cr_assert_str_eq(load(0x280, NULL, 0, "", &entry), "the bzImage setup header is truncated");
    put(image + 0x236, 0, 2);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the bzImage has no 64-bit entry point");
    make_bzimage(0x020f);
    image[0x1f1] = 0x40; /* the setup claims more than the file */
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the bzImage ends before its protected-mode kernel");
}

Test(boot_linux, command_line_limits, .init = setup, .fini = teardown)
{
    static char long_line[PC_BOOT_CMDLINE_MAX + 1];
    struct boot_entry entry;

    make_bzimage(0x020f);
    memset(long_line, 'x', 100);
    put(image + 0x238, 50, 4);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, long_line, &entry),
                     "the command line is longer than the kernel accepts");
    memset(long_line, 'x', PC_BOOT_CMDLINE_MAX);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, long_line, &entry),
                     "the command line is longer than the 4095 bytes a partition passes");
}

Test(boot_linux, initrd_must_fit_above_the_kernel, .init = setup, .fini = teardown)
{
    static uint8_t initrd[15 * MiB]; /* the kernel holds 16..18 MiB of the 32 */
    struct boot_entry entry;

    make_bzimage(0x020f);
    cr_assert_str_eq(load(sizeof(image), initrd, sizeof(initrd), "", &entry),
                     "the initrd does not fit in the partition's RAM above the kernel");
    cr_assert_null(load(sizeof(image), initrd, 14 * MiB, "", &entry));
    put(image + 0x22c, 0x1200000 - 1, 4); /* initrd_addr_max: the kernel's end */
    cr_assert_str_eq(load(sizeof(image), initrd, 4096, "", &entry),
                     "the initrd does not fit in the partition's RAM above the kernel");
}

/* ---- PVH ------------------------------------------------------------------ */

#define PVH_NOTE_OFFSET 0x200
#define PVH_LOAD_OFFSET 0x1000

static void make_pvh(uint64_t paddr, uint64_t entry_point, bool with_note)
{
    memcpy(image,
           "\x7f"
           "ELF",
           4);
    image[4] = 2; /* 64-bit */
    image[5] = 1;
    image[6] = 1;
    put(image + 16, 2, 2);  /* ET_EXEC */
    put(image + 18, 62, 2); /* x86-64 */
    put(image + 24, 0xffffffff81000000ull, 8);
    put(image + 32, 64, 8); /* phoff */
    put(image + 54, 56, 2);
    put(image + 56, 2, 2);
    uint8_t *load_ph = image + 64, *note_ph = image + 64 + 56;
    put(load_ph, 1, 4);
    put(load_ph + 8, PVH_LOAD_OFFSET, 8);
    put(load_ph + 16, 0xffffffff81000000ull, 8);
    put(load_ph + 24, paddr, 8);
    put(load_ph + 32, 0x100, 8);
    put(load_ph + 40, 0x3000, 8);
    put(note_ph, 4, 4);
    put(note_ph + 8, PVH_NOTE_OFFSET, 8);
    put(note_ph + 32, 24, 8);
    put(note_ph + 40, 24, 8);
    uint8_t *note = image + PVH_NOTE_OFFSET;
    put(note, 4, 4);
    put(note + 4, 8, 4);
    put(note + 8, with_note ? 18 : 17, 4);
    memcpy(note + 12, "Xen", 4);
    put(note + 16, entry_point, 8);
    memset(image + PVH_LOAD_OFFSET, 0xc3, 0x100);
}

Test(boot_pvh, good_vmlinux_gets_start_info, .init = setup, .fini = teardown)
{
    static const uint8_t initrd[] = "INITRD";
    struct boot_entry entry;

    make_pvh(0x1000000, 0x1000010, true);
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_PVH);
    memset(ram_bytes + 0x1000100, 0xee, 0x100); /* bss must come out zeroed */
    cr_assert_null(load(sizeof(image), initrd, sizeof(initrd), "root=/dev/ram0", &entry));
    cr_assert_eq(entry.mode, BOOT_ENTRY_PROTECTED32);
    cr_assert_eq(entry.rip, 0x1000010);
    cr_assert_eq(entry.rbx, PC_BOOT_PARAMS);
    cr_assert_eq(ram_bytes[0x1000000], 0xc3);
    cr_assert_eq(ram_bytes[0x1000100], 0);
    cr_assert_eq(get(PC_BOOT_PARAMS, 4), 0x336ec578);
    cr_assert_eq(get(PC_BOOT_PARAMS + 4, 4), 1);
    cr_assert_eq(get(PC_BOOT_PARAMS + 12, 4), 1, "one module");
    cr_assert_eq(get(PC_BOOT_PARAMS + 16, 8), PC_BOOT_MODULES);
    cr_assert_eq(get(PC_BOOT_PARAMS + 24, 8), PC_BOOT_CMDLINE);
    cr_assert_eq(get(PC_BOOT_PARAMS + 32, 8), PC_FIRMWARE_TABLES);
    cr_assert_eq(get(PC_BOOT_PARAMS + 40, 8), PC_BOOT_MAP);
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(RAM, map);
    cr_assert_eq(get(PC_BOOT_PARAMS + 48, 4), count);
    for (unsigned i = 0; i < count; i++) {
        cr_assert_eq(get(PC_BOOT_MAP + i * 24, 8), map[i].start);
        cr_assert_eq(get(PC_BOOT_MAP + i * 24 + 8, 8), map[i].size);
        cr_assert_eq(get(PC_BOOT_MAP + i * 24 + 16, 4), map[i].type);
    }
    uint64_t at = get(PC_BOOT_MODULES, 8);
    cr_assert_eq(get(PC_BOOT_MODULES + 8, 8), sizeof(initrd));
    cr_assert_arr_eq(ram_bytes + at, initrd, sizeof(initrd));
    cr_assert_str_eq((char *)ram_bytes + PC_BOOT_CMDLINE, "root=/dev/ram0");
}

Test(boot_pvh, refuses_missing_note_and_segments_outside_ram, .init = setup, .fini = teardown)
{
    struct boot_entry entry;

    make_pvh(0x1000000, 0x1000010, false);
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_ELF);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the PVH entry note is missing from this ELF64 kernel");
    struct boot_files files = {image, sizeof(image), NULL, 0, ""};
    cr_assert_str_eq(boot_pvh_load(&files, &ram, &entry), "the PVH entry note is missing");
    make_pvh(RAM - 0x1000, RAM - 0x1000, true);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "a segment lies past the partition's RAM");
    make_pvh(0xa0000, 0xa0000, true);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "a segment lies below 1 MiB, where the boot structures are");
    make_pvh(0x1000000, 0x1000010, true);
    put(image + 64 + 32, 0x10000, 8); /* filesz past the end of the file */
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "a segment's bytes lie outside the file");
    make_pvh(0x1000000, 0x1000010, true);
    put(image + 32, sizeof(image) - 8, 8); /* program headers past the end */
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_ELF);
}

Test(boot_pvh, note_walk_stays_inside_the_segment, .init = setup, .fini = teardown)
{
    struct boot_entry entry;

    make_pvh(0x1000000, 0x1000010, true);
    put(image + PVH_NOTE_OFFSET, 0xfffffff0, 4); /* namesz runs off the segment */
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_ELF);
    struct boot_files files = {image, sizeof(image), NULL, 0, ""};
    cr_assert_str_eq(boot_pvh_load(&files, &ram, &entry), "the PVH entry note is missing");
}

/* ---- multiboot ------------------------------------------------------------- */

#define MB_HEADER 0x40

static void make_kludge(uint32_t load_addr, uint32_t bss_end, uint32_t entry_point)
{
    uint32_t flags = (1u << 16) | (1u << 1);
    put(image + MB_HEADER, 0x1badb002, 4);
    put(image + MB_HEADER + 4, flags, 4);
    put(image + MB_HEADER + 8, (uint32_t) - (0x1badb002u + flags), 4);
    put(image + MB_HEADER + 12, load_addr + MB_HEADER, 4); /* header_addr */
    put(image + MB_HEADER + 16, load_addr, 4);
    put(image + MB_HEADER + 20, load_addr + 0x1000, 4); /* load_end_addr */
    put(image + MB_HEADER + 24, bss_end, 4);
    put(image + MB_HEADER + 28, entry_point, 4);
    image[0] = 0xf4;
    image[0xfff] = 0xaa;
    image[0x1000] = 0xbb; /* past load_end: not loaded */
}

Test(boot_multiboot, kludge_kernel_gets_its_info_block, .init = setup, .fini = teardown)
{
    static const uint8_t initrd[] = "MODULE";
    struct boot_entry entry;

    make_kludge(0x100000, 0x103000, 0x100000);
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_MULTIBOOT);
    memset(ram_bytes + 0x101000, 0xee, 0x2000);
    cr_assert_null(load(sizeof(image), initrd, sizeof(initrd), "hello world", &entry));
    cr_assert_eq(entry.mode, BOOT_ENTRY_PROTECTED32);
    cr_assert_eq(entry.rip, 0x100000);
    cr_assert_eq(entry.rax, 0x2badb002);
    cr_assert_eq(entry.rbx, PC_BOOT_PARAMS);
    cr_assert_eq(ram_bytes[0x100000], 0xf4);
    cr_assert_eq(ram_bytes[0x100fff], 0xaa);
    cr_assert_eq(ram_bytes[0x101000], 0, "bss zeroed, bytes past load_end not copied");
    cr_assert_eq(ram_bytes[0x102fff], 0);
    cr_assert_eq(get(PC_BOOT_PARAMS, 4), (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
    cr_assert_eq(get(PC_BOOT_PARAMS + 4, 4), 640);
    cr_assert_eq(get(PC_BOOT_PARAMS + 8, 4), (RAM - MiB) / 1024);
    cr_assert_str_eq((char *)ram_bytes + get(PC_BOOT_PARAMS + 16, 4), "hello world");
    cr_assert_eq(get(PC_BOOT_PARAMS + 20, 4), 1);
    uint64_t module = get(PC_BOOT_PARAMS + 24, 4);
    uint64_t start = get(module, 4), end = get(module + 4, 4);
    cr_assert_eq(end - start, sizeof(initrd));
    cr_assert_arr_eq(ram_bytes + start, initrd, sizeof(initrd));
    cr_assert(start >= 0x103000);
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(RAM, map);
    cr_assert_eq(get(PC_BOOT_PARAMS + 44, 4), count * 24);
    uint64_t mmap = get(PC_BOOT_PARAMS + 48, 4);
    for (unsigned i = 0; i < count; i++) {
        cr_assert_eq(get(mmap + i * 24, 4), 20);
        cr_assert_eq(get(mmap + i * 24 + 4, 8), map[i].start);
        cr_assert_eq(get(mmap + i * 24 + 12, 8), map[i].size);
        cr_assert_eq(get(mmap + i * 24 + 20, 4), map[i].type);
    }
    cr_assert_str_eq((char *)ram_bytes + get(PC_BOOT_PARAMS + 64, 4), "Bulkhead");
}

Test(boot_multiboot, refuses_broken_headers, .init = setup, .fini = teardown)
{
    struct boot_entry entry;

    make_kludge(0x100000, 0x103000, 0x100000);
    put(image + MB_HEADER + 8, 0, 4); /* bad checksum: no header at all */
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_FLAT);
    struct boot_files files = {image, sizeof(image), NULL, 0, ""};
    cr_assert_str_eq(boot_multiboot_load(&files, &ram, &entry),
                     "the multiboot header is missing from the first 8 KiB");
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "not a bzImage, a PVH vmlinux or a multiboot kernel");
    make_kludge(0x100000, 0x103000, 0x200000);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the multiboot entry point lies outside the loaded kernel");
    make_kludge(0x100000, 0x100800, 0x100000);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the multiboot header's bss ends before the loaded part");
    make_kludge(RAM - 0x1000, RAM + 0x1000, RAM - 0x1000);
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "a segment lies past the partition's RAM");
    make_kludge(0x100000, 0x103000, 0x100000);
    put(image + MB_HEADER + 12, 0x100000 + 0x2000,
        4); /* header_addr claims bytes before the file */
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the multiboot header's load address lies before the file");
    make_kludge(0x100000, 0x103000, 0x100000);
    put(image + MB_HEADER + 20, 0x100000 + 0x10000, 4); /* load_end past the file */
    cr_assert_str_eq(load(sizeof(image), NULL, 0, "", &entry),
                     "the multiboot header's load end lies outside the file");
}

Test(boot_multiboot, truncated_kludge_header, .init = setup, .fini = teardown)
{
    struct boot_entry entry;

    make_kludge(0x100000, 0x103000, 0x100000);
    cr_assert_str_eq(load(MB_HEADER + 16, NULL, 0, "", &entry),
                     "the multiboot header is truncated");
}

Test(boot_multiboot, video_mode_is_refused, .init = setup, .fini = teardown)
{
    struct boot_entry entry;
    uint32_t flags = (1u << 16) | (1u << 2);

    make_kludge(0x100000, 0x103000, 0x100000);
    put(image + MB_HEADER + 4, flags, 4);
    put(image + MB_HEADER + 8, (uint32_t) - (0x1badb002u + flags), 4);
    cr_assert_str_eq(
        load(sizeof(image), NULL, 0, "", &entry),
        "the multiboot kernel asks for a video mode, which a partition does not offer");
}

/* An ELF32 multiboot kernel linked at 3 GiB + 1 MiB, loaded at 1 MiB. */
static void make_elf32_multiboot(void)
{
    memcpy(image,
           "\x7f"
           "ELF",
           4);
    image[4] = 1;
    image[5] = 1;
    image[6] = 1;
    put(image + 16, 2, 2);
    put(image + 18, 3, 2);
    put(image + 24, 0xc0100010, 4); /* entry, virtual */
    put(image + 28, 52, 4);
    put(image + 42, 32, 2);
    put(image + 44, 1, 2);
    uint8_t *ph = image + 52;
    put(ph, 1, 4);
    put(ph + 4, 0x1000, 4);
    put(ph + 8, 0xc0100000, 4);
    put(ph + 12, 0x100000, 4);
    put(ph + 16, 0x100, 4);
    put(ph + 20, 0x200, 4);
    uint32_t flags = 1u << 1;
    put(image + 0x1000, 0x1badb002, 4);
    put(image + 0x1004, flags, 4);
    put(image + 0x1008, (uint32_t) - (0x1badb002u + flags), 4);
}

Test(boot_multiboot, elf32_kernel_loads_at_its_physical_address, .init = setup, .fini = teardown)
{
    struct boot_entry entry;

    make_elf32_multiboot();
    cr_assert_eq(boot_image_format(image, sizeof(image)), BOOT_IMAGE_MULTIBOOT);
    cr_assert_null(load(sizeof(image), NULL, 0, "", &entry));
    cr_assert_eq(entry.rip, 0x100010);
    cr_assert_eq(get(0x100000, 4), 0x1badb002);
    cr_assert_eq(get(PC_BOOT_PARAMS + 20, 4), 0, "no module without an initrd");
}

/* ---- detection and the check-only mode -------------------------------------- */

Test(boot_image, check_only_writes_nothing, .init = setup, .fini = teardown)
{
    struct guest_ram none = {NULL, RAM};
    struct boot_files files = {image, sizeof(image), NULL, 0, "x"};
    struct boot_entry entry;

    make_bzimage(0x020f);
    cr_assert_null(boot_kernel_load(&files, &none, &entry));
    make_bzimage(0x020b);
    cr_assert_str_eq(boot_kernel_load(&files, &none, &entry),
                     "boot protocol 2.11 is older than 2.12");
}

Test(boot_image, ram_checks_respect_the_holes)
{
    struct guest_ram r = {NULL, 64 * MiB};

    cr_assert(guest_ram_usable(&r, 0x7000, 0x1000));
    cr_assert_not(guest_ram_usable(&r, 0x9f000, 0x2000), "into the legacy hole");
    cr_assert_not(guest_ram_usable(&r, 0xe0000, 16), "the firmware tables");
    cr_assert(guest_ram_usable(&r, MiB, 63 * MiB));
    cr_assert_not(guest_ram_usable(&r, MiB, 63 * MiB + 1));
    cr_assert_not(guest_ram_usable(&r, UINT64_MAX - 4, 16), "no wrap-around");
    cr_assert_eq(boot_image_format((const uint8_t *)"\x7f"
                                                    "EL",
                                   3),
                 BOOT_IMAGE_FLAT);
}
