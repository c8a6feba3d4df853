/*
 * The PVH entry of an uncompressed vmlinux (Xen's HVM direct boot ABI,
 * which Linux also takes from other hypervisors): an ELF note of type
 * PHYS32_ENTRY gives a 32-bit entry point; the segments go to their
 * physical addresses; the kernel starts in flat protected mode, paging off,
 * with EBX pointing at an hvm_start_info that lists the command line, the
 * modules (the initrd first), the memory map and the RSDP.
 */
#include "lib/boot_elf.h"
#include "lib/boot_image.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define START_INFO_MAGIC         0x336ec578u
#define START_INFO_VERSION       1 /* the one with the memory map fields */

/* struct hvm_start_info */
#define SI_MAGIC          0
#define SI_VERSION        4
#define SI_NR_MODULES     12
#define SI_MODLIST_PADDR  16
#define SI_CMDLINE_PADDR  24
#define SI_RSDP_PADDR     32
#define SI_MEMMAP_PADDR   40
#define SI_MEMMAP_ENTRIES 48
#define SI_SIZE           56

#define MEMMAP_ENTRY_SIZE  24 /* addr, size, type, reserved */
#define MODLIST_ENTRY_SIZE 32 /* paddr, size, cmdline_paddr, reserved */
#define FOUR_GIB           0x100000000ull

static const char *read_entry_note(const struct boot_elf *elf, uint64_t *entry)
{
    const uint8_t *desc;
    uint64_t size;

    if (!boot_elf_find_note(elf, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &desc, &size))
        return "the PVH entry note is missing";
    if (size != 4 && size != 8)
        return "the PVH entry note has a bad size";
    *entry = boot_read_le(desc, (unsigned)size);
    if (*entry >= FOUR_GIB)
        return "the PVH entry point lies above 4 GiB";
    return NULL;
}

static void write_memory_map(const struct guest_ram *ram)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(ram->size, map);

    for (unsigned i = 0; i < count; i++) {
        uint64_t entry = PC_BOOT_MAP + i * MEMMAP_ENTRY_SIZE;
        guest_ram_put(ram, entry, map[i].start, 8);
        guest_ram_put(ram, entry + 8, map[i].size, 8);
        guest_ram_put(ram, entry + 16, map[i].type, 8); /* type, then a zero reserved word */
    }
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_MEMMAP_PADDR, PC_BOOT_MAP, 8);
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_MEMMAP_ENTRIES, count, 4);
}

static void write_module(const struct guest_ram *ram, uint64_t initrd, uint64_t size)
{
    guest_ram_zero(ram, PC_BOOT_MODULES, MODLIST_ENTRY_SIZE);
    guest_ram_put(ram, PC_BOOT_MODULES, initrd, 8);
    guest_ram_put(ram, PC_BOOT_MODULES + 8, size, 8);
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_NR_MODULES, 1, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_MODLIST_PADDR, PC_BOOT_MODULES, 8);
}

static const char *write_start_info(const struct boot_files *files, const struct guest_ram *ram,
                                    uint64_t kernel_end)
{
    uint64_t cmdline_length, initrd;
    const char *problem;

    if (!guest_ram_zero(ram, PC_BOOT_PARAMS, SI_SIZE))
        return "the partition's RAM is too small for the boot structures";
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_MAGIC, START_INFO_MAGIC, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_VERSION, START_INFO_VERSION, 4);
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_RSDP_PADDR, PC_FIRMWARE_TABLES, 8);
    problem = boot_place_cmdline(files, ram, &cmdline_length);
    if (problem)
        return problem;
    guest_ram_put(ram, PC_BOOT_PARAMS + SI_CMDLINE_PADDR, PC_BOOT_CMDLINE, 8);
    write_memory_map(ram);
    problem = boot_place_initrd(files, ram, FOUR_GIB, kernel_end, &initrd);
    if (problem || files->initrd_size == 0)
        return problem;
    write_module(ram, initrd, files->initrd_size);
    return NULL;
}

const char *boot_pvh_load(const struct boot_files *files, const struct guest_ram *ram,
                          struct boot_entry *entry)
{
    struct boot_elf elf;
    uint64_t start, end;
    const char *problem = boot_elf_open(&elf, files->kernel, files->kernel_size);

    if (!problem && !elf.is64)
        problem = "a PVH kernel must be an ELF64 vmlinux";
    if (!problem)
        problem = read_entry_note(&elf, &start);
    if (!problem)
        problem = boot_elf_load(&elf, ram, &end);
    if (!problem && !guest_ram_usable(ram, start, 1))
        problem = "the PVH entry point lies outside the partition's RAM";
    if (!problem)
        problem = write_start_info(files, ram, end);
    if (problem)
        return problem;
    *entry =
        (struct boot_entry){.mode = BOOT_ENTRY_PROTECTED32, .rip = start, .rbx = PC_BOOT_PARAMS};
    return NULL;
}
