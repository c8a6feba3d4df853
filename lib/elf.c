/*
 * The ELF64 reader (see elf.h). Like the config reader it is compiled into
 * the core, the UEFI stub and host tests, so it calls no library function.
 *
 * Fields are read byte by byte in little-endian order rather than through
 * structure casts: the file may sit at any alignment, and the checks below
 * then read exactly what the bytes say on every compiler.
 */
#include "lib/elf.h"

#include <stdbool.h>

/* Offsets and values from the System V ABI, ELF-64 Object File Format 1.5. */
#define EHDR_SIZE        64
#define EH_IDENT_CLASS   4
#define EH_IDENT_DATA    5
#define EH_IDENT_VERSION 6
#define EH_TYPE          16
#define EH_MACHINE       18
#define EH_VERSION       20
#define EH_ENTRY         24
#define EH_PHOFF         32
#define EH_PHENTSIZE     54
#define EH_PHNUM         56

#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_X86_64   62

#define PHDR_SIZE 56
#define PH_TYPE   0
#define PH_FLAGS  4
#define PH_OFFSET 8
#define PH_VADDR  16
#define PH_FILESZ 32
#define PH_MEMSZ  40
#define PH_ALIGN  48

#define PT_LOAD 1
#define PF_X    1

#define PAGE_SIZE 4096ull
/* No image we load is anywhere near this; a larger span means a broken file. */
#define ELF_MAX_SPAN (1ull << 30)

static uint64_t read_le(const uint8_t *p, unsigned bytes)
{
    uint64_t value = 0;

    while (bytes-- > 0)
        value = (value << 8) | p[bytes];
    return value;
}

static enum elf_status check_header(const uint8_t *file, size_t size)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

    if (size < sizeof(magic))
        return ELF_ERR_TRUNCATED;
    for (unsigned i = 0; i < sizeof(magic); i++) {
        if (file[i] != magic[i])
            return ELF_ERR_NOT_ELF;
    }
    if (size < EHDR_SIZE)
        return ELF_ERR_TRUNCATED;
    if (file[EH_IDENT_CLASS] != ELFCLASS64 || file[EH_IDENT_DATA] != ELFDATA2LSB ||
        file[EH_IDENT_VERSION] != EV_CURRENT || read_le(file + EH_TYPE, 2) != ET_EXEC ||
        read_le(file + EH_MACHINE, 2) != EM_X86_64 || read_le(file + EH_VERSION, 4) != EV_CURRENT)
        return ELF_ERR_UNSUPPORTED;
    /* Every linker writes the ELF64 size; anything else is not a file we understand. */
    if (read_le(file + EH_PHENTSIZE, 2) != PHDR_SIZE)
        return ELF_ERR_UNSUPPORTED;
    return ELF_OK;
}

/* The program header table must lie wholly inside the file. */
static enum elf_status check_program_headers(const uint8_t *file, size_t size)
{
    uint64_t phoff = read_le(file + EH_PHOFF, 8);
    uint64_t phnum = read_le(file + EH_PHNUM, 2);

    if (phnum == 0)
        return ELF_ERR_NO_SEGMENTS;
    /* phnum < 2^16, so the product cannot overflow; compare without adding to phoff. */
    if (phoff > size || phnum * PHDR_SIZE > size - phoff)
        return ELF_ERR_TRUNCATED;
    return ELF_OK;
}

static bool is_power_of_two(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* One PT_LOAD entry on its own: inside the file, sizes consistent, no wrap-around. */
static enum elf_status read_segment(const uint8_t *ph, size_t size, struct elf_segment *seg)
{
    uint64_t align = read_le(ph + PH_ALIGN, 8);

    seg->flags = (uint32_t)read_le(ph + PH_FLAGS, 4);
    seg->file_offset = read_le(ph + PH_OFFSET, 8);
    seg->vaddr = read_le(ph + PH_VADDR, 8);
    seg->file_size = read_le(ph + PH_FILESZ, 8);
    seg->mem_size = read_le(ph + PH_MEMSZ, 8);

    if (seg->file_offset > UINT64_MAX - seg->file_size)
        return ELF_ERR_BAD_SEGMENT;
    if (seg->file_offset + seg->file_size > size)
        return ELF_ERR_TRUNCATED;
    if (seg->file_size > seg->mem_size || seg->vaddr > UINT64_MAX - seg->mem_size)
        return ELF_ERR_BAD_SEGMENT;
    /* gABI: p_align of 0 or 1 means none; otherwise vaddr and offset agree modulo it. */
    if (align > 1 && (!is_power_of_two(align) || (seg->vaddr - seg->file_offset) % align != 0))
        return ELF_ERR_BAD_SEGMENT;
    return ELF_OK;
}

static bool segments_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr < b->vaddr + b->mem_size && b->vaddr < a->vaddr + a->mem_size;
}

static enum elf_status add_segment(struct elf_image *image, const struct elf_segment *seg)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        if (segments_overlap(&image->segments[i], seg))
            return ELF_ERR_BAD_SEGMENT;
    }
    if (image->segment_count == ELF_MAX_SEGMENTS)
        return ELF_ERR_TOO_MANY_SEGMENTS;
    image->segments[image->segment_count++] = *seg;
    return ELF_OK;
}

static enum elf_status collect_segments(const uint8_t *file, size_t size, struct elf_image *image)
{
    const uint8_t *table = file + read_le(file + EH_PHOFF, 8);
    unsigned count = (unsigned)read_le(file + EH_PHNUM, 2);

    for (unsigned i = 0; i < count; i++) {
        const uint8_t *ph = table + (size_t)i * PHDR_SIZE;
        struct elf_segment seg;
        enum elf_status status;

        if (read_le(ph + PH_TYPE, 4) != PT_LOAD)
            continue;
        status = read_segment(ph, size, &seg);
        /* A segment with no memory loads nothing; keep it out of the span. */
        if (status == ELF_OK && seg.mem_size != 0)
            status = add_segment(image, &seg);
        if (status != ELF_OK)
            return status;
    }
    return image->segment_count == 0 ? ELF_ERR_NO_SEGMENTS : ELF_OK;
}

/* Page-rounded bounds of all segments, which must stay below ELF_MAX_SPAN. */
static enum elf_status compute_span(struct elf_image *image)
{
    uint64_t low = UINT64_MAX, high = 0;

    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct elf_segment *seg = &image->segments[i];

        if (seg->vaddr < low)
            low = seg->vaddr;
        if (seg->vaddr + seg->mem_size > high)
            high = seg->vaddr + seg->mem_size;
    }
    if (high > UINT64_MAX - (PAGE_SIZE - 1))
        return ELF_ERR_BAD_SEGMENT;
    image->vaddr_start = low & ~(PAGE_SIZE - 1);
    image->vaddr_end = (high + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (image->vaddr_end - image->vaddr_start > ELF_MAX_SPAN)
        return ELF_ERR_BAD_SEGMENT;
    return ELF_OK;
}

static enum elf_status check_entry(struct elf_image *image)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct elf_segment *seg = &image->segments[i];

        if ((seg->flags & PF_X) && image->entry >= seg->vaddr &&
            image->entry - seg->vaddr < seg->mem_size)
            return ELF_OK;
    }
    return ELF_ERR_BAD_ENTRY;
}

enum elf_status elf_parse(const void *file, size_t size, struct elf_image *image)
{
    const uint8_t *bytes = file;
    enum elf_status status;

    image->segment_count = 0;
    status = check_header(bytes, size);
    if (status == ELF_OK)
        status = check_program_headers(bytes, size);
    if (status == ELF_OK)
        status = collect_segments(bytes, size, image);
    if (status == ELF_OK)
        status = compute_span(image);
    image->entry = status == ELF_OK ? read_le(bytes + EH_ENTRY, 8) : 0;
    if (status == ELF_OK)
        status = check_entry(image);
    return status;
}

void elf_copy_segments(const void *file, const struct elf_image *image, void *dest)
{
    const uint8_t *src = file;
    uint8_t *out = dest;
    uint64_t span = image->vaddr_end - image->vaddr_start;

    /* Zero everything first: bss, the gaps between segments and the page padding. */
    for (uint64_t i = 0; i < span; i++)
        out[i] = 0;
    for (unsigned s = 0; s < image->segment_count; s++) {
        const struct elf_segment *seg = &image->segments[s];
        uint8_t *to = out + (seg->vaddr - image->vaddr_start);

        for (uint64_t i = 0; i < seg->file_size; i++)
            to[i] = src[seg->file_offset + i];
    }
}

const char *elf_status_text(enum elf_status status)
{
    switch (status) {
    case ELF_OK:
        return "valid ELF image";
    case ELF_ERR_TRUNCATED:
        return "file is shorter than its headers say";
    case ELF_ERR_NOT_ELF:
        return "not an ELF file";
    case ELF_ERR_UNSUPPORTED:
        return "not a little-endian x86-64 ELF64 executable";
    case ELF_ERR_BAD_SEGMENT:
        return "a loadable segment is malformed, overlaps another or is too large";
    case ELF_ERR_TOO_MANY_SEGMENTS:
        return "more loadable segments than supported";
    case ELF_ERR_NO_SEGMENTS:
        return "no loadable segments";
    case ELF_ERR_BAD_ENTRY:
        return "entry point is outside every executable segment";
    }
    return "unknown ELF status";
}
