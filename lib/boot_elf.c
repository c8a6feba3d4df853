/*
 * ELF program headers by physical address (see boot_elf.h). Offsets are
 * from the System V gABI; fields are read byte by byte, so the file may sit
 * at any alignment, and every one is checked against the file's size.
 */
#include "lib/boot_elf.h"

#include "lib/string.h"

#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_386      3
#define EM_X86_64   62

#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56

#define MIB 0x100000ull

static uint64_t field(const struct boot_elf *elf, unsigned offset32, unsigned offset64)
{
    unsigned offset = elf->is64 ? offset64 : offset32;
    return boot_read_le(elf->file + offset, elf->is64 ? 8 : 4);
}

static unsigned phdr_size(const struct boot_elf *elf)
{
    return elf->is64 ? PHDR64_SIZE : PHDR32_SIZE;
}

static const char *check_ident(const uint8_t *file, uint64_t size, bool *is64)
{
    if (size < EHDR32_SIZE || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F')
        return "the ELF header is truncated or its magic is wrong";
    if (file[4] != ELFCLASS32 && file[4] != ELFCLASS64)
        return "the ELF class is neither 32- nor 64-bit";
    *is64 = file[4] == ELFCLASS64;
    if (file[5] != ELFDATA2LSB || boot_read_le(file + 16, 2) != ET_EXEC)
        return "the ELF file is not a little-endian executable";
    if (boot_read_le(file + 18, 2) != (*is64 ? EM_X86_64 : EM_386))
        return "the ELF file is not for x86";
    if (*is64 && size < EHDR64_SIZE)
        return "the ELF header is truncated or its magic is wrong";
    return NULL;
}

const char *boot_elf_open(struct boot_elf *elf, const uint8_t *file, uint64_t size)
{
    const char *problem = check_ident(file, size, &elf->is64);
    uint64_t table_size;

    if (problem)
        return problem;
    elf->file = file;
    elf->size = size;
    elf->entry = field(elf, 24, 24);
    elf->phoff = field(elf, 28, 32);
    elf->phnum = (unsigned)boot_read_le(file + (elf->is64 ? 56 : 44), 2);
    if (boot_read_le(file + (elf->is64 ? 54 : 42), 2) != phdr_size(elf))
        return "the ELF program header size is wrong";
    table_size = (uint64_t)elf->phnum * phdr_size(elf);
    if (elf->phnum == 0 || elf->phoff > size || table_size > size - elf->phoff)
        return "the ELF program headers lie outside the file";
    return NULL;
}

static void read_phdr(const struct boot_elf *elf, const uint8_t *ph, struct boot_segment *s)
{
    s->type = (uint32_t)boot_read_le(ph, 4);
    if (elf->is64) {
        s->offset = boot_read_le(ph + 8, 8);
        s->vaddr = boot_read_le(ph + 16, 8);
        s->paddr = boot_read_le(ph + 24, 8);
        s->file_size = boot_read_le(ph + 32, 8);
        s->mem_size = boot_read_le(ph + 40, 8);
    } else {
        s->offset = boot_read_le(ph + 4, 4);
        s->vaddr = boot_read_le(ph + 8, 4);
        s->paddr = boot_read_le(ph + 12, 4);
        s->file_size = boot_read_le(ph + 16, 4);
        s->mem_size = boot_read_le(ph + 20, 4);
    }
}

bool boot_elf_segment(const struct boot_elf *elf, unsigned index, struct boot_segment *segment)
{
    if (index >= elf->phnum)
        return false;
    read_phdr(elf, elf->file + elf->phoff + (uint64_t)index * phdr_size(elf), segment);
    return segment->offset <= elf->size && segment->file_size <= elf->size - segment->offset &&
           segment->file_size <= segment->mem_size &&
           segment->paddr <= UINT64_MAX - segment->mem_size;
}

static const char *load_segment(const struct boot_elf *elf, const struct boot_segment *s,
                                const struct guest_ram *ram)
{
    if (s->paddr < MIB)
        return "a segment lies below 1 MiB, where the boot structures are";
    if (!guest_ram_usable(ram, s->paddr, s->mem_size))
        return "a segment lies past the partition's RAM";
    guest_ram_write(ram, s->paddr, elf->file + s->offset, s->file_size);
    guest_ram_zero(ram, s->paddr + s->file_size, s->mem_size - s->file_size);
    return NULL;
}

const char *boot_elf_load(const struct boot_elf *elf, const struct guest_ram *ram, uint64_t *end)
{
    struct boot_segment s;
    bool loaded = false;

    *end = 0;
    for (unsigned i = 0; i < elf->phnum; i++) {
        if (!boot_elf_segment(elf, i, &s))
            return "a segment's bytes lie outside the file";
        if (s.type != BOOT_PT_LOAD || s.mem_size == 0)
            continue;
        const char *problem = load_segment(elf, &s, ram);
        if (problem)
            return problem;
        if (s.paddr + s.mem_size > *end)
            *end = s.paddr + s.mem_size;
        loaded = true;
    }
    return loaded ? NULL : "the ELF file has no segment to load";
}

static uint64_t padded(uint64_t n)
{
    return (n + 3) & ~3ull;
}

/* One note segment: each note is namesz, descsz, type, then the name and
 * the descriptor, both padded to 4 bytes. */
static bool find_in_segment(const uint8_t *notes, uint64_t size, const char *name, uint32_t type,
                            const uint8_t **desc, uint64_t *desc_size)
{
    uint64_t name_len = strlen(name) + 1, at = 0;

    while (size - at >= 12) {
        uint64_t namesz = boot_read_le(notes + at, 4), descsz = boot_read_le(notes + at + 4, 4);
        uint64_t note_type = boot_read_le(notes + at + 8, 4), name_at = at + 12;

        if (padded(namesz) > size - name_at || padded(descsz) > size - name_at - padded(namesz))
            return false;
        if (note_type == type && namesz == name_len && !memcmp(notes + name_at, name, name_len)) {
            *desc = notes + name_at + padded(namesz);
            *desc_size = descsz;
            return true;
        }
        at = name_at + padded(namesz) + padded(descsz);
    }
    return false;
}

bool boot_elf_find_note(const struct boot_elf *elf, const char *name, uint32_t type,
                        const uint8_t **desc, uint64_t *desc_size)
{
    struct boot_segment s;

    for (unsigned i = 0; i < elf->phnum; i++) {
        if (!boot_elf_segment(elf, i, &s) || s.type != BOOT_PT_NOTE)
            continue;
        if (find_in_segment(elf->file + s.offset, s.file_size, name, type, desc, desc_size))
            return true;
    }
    return false;
}
