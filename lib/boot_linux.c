/*
 * Linux's x86 boot protocol for a bzImage, 64-bit entry (the kernel's
 * Documentation/arch/x86/boot.rst): the setup header at 0x1f1 says where
 * the protected-mode kernel starts in the file and how it may be placed;
 * the loader copies that kernel into RAM, fills the zero page (boot_params)
 * with the header, the command line, the initrd and the E820 map, and jumps
 * to the 64-bit entry with RSI pointing at the zero page.
 */
#include "lib/boot_image.h"

/* Setup header fields, by their offset in the file and in boot_params. */
#define HDR_START            0x1f1
#define HDR_SETUP_SECTS      0x1f1
#define HDR_JUMP_LENGTH      0x201 /* the header ends 0x202 + this byte */
#define HDR_VERSION          0x206
#define HDR_TYPE_OF_LOADER   0x210
#define HDR_LOADFLAGS        0x211
#define HDR_RAMDISK_IMAGE    0x218
#define HDR_RAMDISK_SIZE     0x21c
#define HDR_CMD_LINE_PTR     0x228
#define HDR_INITRD_ADDR_MAX  0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE      0x234
#define HDR_XLOADFLAGS       0x236
#define HDR_CMDLINE_SIZE     0x238
#define HDR_PREF_ADDRESS     0x258
#define HDR_INIT_SIZE        0x260
#define HDR_END_MAX          0x290 /* boot_params has room up to here */

/* Zero-page fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_E820_ENTRIES   0x1e8
#define BP_E820_TABLE     0x2d0
#define BP_SIZE           0x1000
#define E820_ENTRY_SIZE   20

#define PROTOCOL_64BIT_ENTRY 0x020c /* 2.12: xloadflags says whether there is one */
#define LOADED_HIGH          0x01
#define XLF_KERNEL_64        0x01
#define LOADER_UNKNOWN       0xff
#define ENTRY_64_OFFSET      0x200
#define MIB                  0x100000ull

struct linux_kernel {
    const uint8_t *header; /* the file, for the header fields */
    uint64_t header_end;   /* file offset just past the setup header */
    uint64_t offset;       /* protected-mode kernel in the file */
    uint64_t size;
    uint64_t load;      /* where it goes */
    uint64_t init_size; /* memory it needs there to unpack itself */
};

static uint64_t hdr(const struct linux_kernel *k, unsigned offset, unsigned count)
{
    return boot_read_le(k->header + offset, count);
}

static const char *const old_protocols[] = {
    "boot protocol 2.00 is older than 2.12", "boot protocol 2.01 is older than 2.12",
    "boot protocol 2.02 is older than 2.12", "boot protocol 2.03 is older than 2.12",
    "boot protocol 2.04 is older than 2.12", "boot protocol 2.05 is older than 2.12",
    "boot protocol 2.06 is older than 2.12", "boot protocol 2.07 is older than 2.12",
    "boot protocol 2.08 is older than 2.12", "boot protocol 2.09 is older than 2.12",
    "boot protocol 2.10 is older than 2.12", "boot protocol 2.11 is older than 2.12",
};

static const char *read_header(const struct boot_files *files, struct linux_kernel *k)
{
    uint64_t setup_sects, version;

    k->header = files->kernel;
    if (files->kernel_size < HDR_END_MAX)
        return "the bzImage setup header is truncated";
    k->header_end = 0x202 + (uint64_t)files->kernel[HDR_JUMP_LENGTH];
    if (k->header_end > HDR_END_MAX)
        return "the bzImage setup header is longer than the zero page holds";
    version = hdr(k, HDR_VERSION, 2);
    if (version < 0x0200)
        return "the bzImage's boot protocol is older than 2.00";
    if (version < PROTOCOL_64BIT_ENTRY)
        return old_protocols[version - 0x0200];
    if (!(hdr(k, HDR_XLOADFLAGS, 2) & XLF_KERNEL_64))
        return "the bzImage has no 64-bit entry point";
    if (!(hdr(k, HDR_LOADFLAGS, 1) & LOADED_HIGH))
        return "the bzImage is a zImage that loads below 1 MiB";
    setup_sects = hdr(k, HDR_SETUP_SECTS, 1);
    k->offset = ((setup_sects ? setup_sects : 4) + 1) * 512;
    if (k->offset >= files->kernel_size)
        return "the bzImage ends before its protected-mode kernel";
    k->size = files->kernel_size - k->offset;
    k->init_size = hdr(k, HDR_INIT_SIZE, 4);
    if (k->init_size < k->size)
        k->init_size = k->size;
    return NULL;
}

/* The lowest address from 1 MiB, a multiple of align, where length bytes
 * fit in one RAM range below the MMIO hole (the entry's identity map
 * covers the low 4 GiB); false when there is none. */
static bool lowest_fit(const struct guest_ram *ram, uint64_t length, uint64_t align,
                       uint64_t *address)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(ram->size, map);

    for (unsigned i = 0; i < count; i++) {
        uint64_t start = map[i].start > MIB ? map[i].start : MIB;
        uint64_t at = (start + align - 1) & ~(align - 1);
        if (map[i].type == PC_MEMORY_RAM && at >= start && at < PC_MMIO_HOLE_START &&
            guest_ram_usable(ram, at, length)) {
            *address = at;
            return true;
        }
    }
    return false;
}

/* The preferred address, else (relocatable) the first aligned address
 * from 1 MiB with room for init_size bytes. */
static const char *choose_load_address(const struct guest_ram *ram, struct linux_kernel *k)
{
    uint64_t align = hdr(k, HDR_KERNEL_ALIGNMENT, 4);

    k->load = hdr(k, HDR_PREF_ADDRESS, 8);
    if (k->load >= MIB && k->load < PC_MMIO_HOLE_START &&
        guest_ram_usable(ram, k->load, k->init_size))
        return NULL;
    if (!hdr(k, HDR_RELOCATABLE, 1) || align == 0 || (align & (align - 1)))
        return "the kernel does not fit in the partition's RAM at its preferred address";
    if (!lowest_fit(ram, k->init_size, align, &k->load))
        return "the kernel does not fit in the partition's RAM";
    return NULL;
}

static void fill_e820(const struct guest_ram *ram)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(ram->size, map);

    guest_ram_put(ram, PC_BOOT_PARAMS + BP_E820_ENTRIES, count, 1);
    for (unsigned i = 0; i < count; i++) {
        uint64_t entry = PC_BOOT_PARAMS + BP_E820_TABLE + i * E820_ENTRY_SIZE;
        guest_ram_put(ram, entry, map[i].start, 8);
        guest_ram_put(ram, entry + 8, map[i].size, 8);
        guest_ram_put(ram, entry + 16, map[i].type, 4);
    }
}

static const char *place_extras(const struct boot_files *files, const struct guest_ram *ram,
                                const struct linux_kernel *k)
{
    uint64_t cmdline_length, initrd = 0, limit = hdr(k, HDR_INITRD_ADDR_MAX, 4) + 1ull;
    const char *problem = boot_place_cmdline(files, ram, &cmdline_length);

    if (problem)
        return problem;
    if (cmdline_length > hdr(k, HDR_CMDLINE_SIZE, 4))
        return "the command line is longer than the kernel accepts";
    problem = boot_place_initrd(files, ram, limit, k->load + k->init_size, &initrd);
    if (problem)
        return problem;
    guest_ram_put(ram, PC_BOOT_PARAMS + HDR_CMD_LINE_PTR, PC_BOOT_CMDLINE, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + HDR_RAMDISK_IMAGE, initrd, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + HDR_RAMDISK_SIZE, files->initrd_size, 4);
    return NULL;
}

const char *boot_linux_load(const struct boot_files *files, const struct guest_ram *ram,
                            struct boot_entry *entry)
{
    struct linux_kernel k = {0};
    const char *problem = read_header(files, &k);

    if (!problem)
        problem = choose_load_address(ram, &k);
    if (problem)
        return problem;
    if (!guest_ram_zero(ram, PC_BOOT_PARAMS, BP_SIZE))
        return "the partition's RAM is too small for the boot structures";
    guest_ram_write(ram, PC_BOOT_PARAMS + HDR_START, files->kernel + HDR_START,
                    k.header_end - HDR_START);
    guest_ram_put(ram, PC_BOOT_PARAMS + HDR_TYPE_OF_LOADER, LOADER_UNKNOWN, 1);
    guest_ram_put(ram, PC_BOOT_PARAMS + BP_ACPI_RSDP_ADDR, PC_FIRMWARE_TABLES, 8);
    fill_e820(ram);
    problem = place_extras(files, ram, &k);
    if (problem)
        return problem;
    guest_ram_write(ram, k.load, files->kernel + k.offset, k.size);
    *entry = (struct boot_entry){
        .mode = BOOT_ENTRY_LONG64, .rip = k.load + ENTRY_64_OFFSET, .rsi = PC_BOOT_PARAMS};
    return NULL;
}
