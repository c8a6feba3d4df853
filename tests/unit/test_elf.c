/*
 * Unit tests of the ELF reader (lib/elf.c). Each test builds its ELF file in
 * memory from a list of program headers, so a malformed case differs from the
 * valid one in exactly the field under test.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define PF_X    1
#define PF_W    2
#define PF_R    4

#define FILE_SIZE 0x4000
#define ENTRY     0x400010

struct phdr_spec {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

/* Text (R X) at 0x400000 and data+bss (R W) at 0x401000: a typical small guest. */
static const struct phdr_spec text_segment = {PT_LOAD, PF_R | PF_X, 0x1000, 0x400000,
                                              0x100,   0x100,       0x1000};
static const struct phdr_spec data_segment = {PT_LOAD, PF_R | PF_W, 0x2000, 0x401000,
                                              0x10,    0x2000,      0x1000};

static uint8_t file[FILE_SIZE];
static struct elf_image image;

static void put(uint8_t *at, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        at[i] = (uint8_t)(value >> (8 * i));
}

/* Writes a header and the program headers; segment contents are a byte pattern. */
static void build(const struct phdr_spec *phdrs, unsigned count, uint64_t entry)
{
    static const uint8_t ident[8] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};

    for (size_t i = 0; i < sizeof(file); i++)
        file[i] = (uint8_t)(i * 7 + 1);
    memset(file, 0, 64);
    memcpy(file, ident, sizeof(ident));
    put(file + 16, 2, 2);  /* ET_EXEC */
    put(file + 18, 62, 2); /* EM_X86_64 */
    put(file + 20, 1, 4);  /* EV_CURRENT */
    put(file + 24, entry, 8);
    put(file + 32, 64, 8); /* phoff */
    put(file + 52, 64, 2); /* ehsize */
    put(file + 54, 56, 2); /* phentsize */
    put(file + 56, count, 2);
    for (unsigned i = 0; i < count; i++) {
        uint8_t *ph = file + 64 + 56 * i;

        cr_assert_leq(64 + 56 * (i + 1), 0x1000, "program headers run into segment data");
        put(ph + 0, phdrs[i].type, 4);
        put(ph + 4, phdrs[i].flags, 4);
        put(ph + 8, phdrs[i].offset, 8);
        put(ph + 16, phdrs[i].vaddr, 8);
        put(ph + 24, phdrs[i].vaddr, 8); /* paddr */
        put(ph + 32, phdrs[i].filesz, 8);
        put(ph + 40, phdrs[i].memsz, 8);
        put(ph + 48, phdrs[i].align, 8);
    }
}

static void build_valid(void)
{
    const struct phdr_spec phdrs[] = {text_segment, data_segment};

    build(phdrs, 2, ENTRY);
}

/* The valid file with its second segment replaced. */
static void build_with_data(struct phdr_spec data)
{
    const struct phdr_spec phdrs[] = {text_segment, data};

    build(phdrs, 2, ENTRY);
}

static enum elf_status parse_size(size_t size)
{
    return elf_parse(file, size, &image);
}

static enum elf_status parse_file(void)
{
    return parse_size(sizeof(file));
}

#define expect_status(actual, expected)                                                            \
    cr_expect_eq((actual), (expected), "got \"%s\", expected \"%s\"", elf_status_text(actual),     \
                 elf_status_text(expected))

/* ---- accepted files ------------------------------------------------------ */

Test(elf, valid_image)
{
    build_valid();
    cr_assert_eq(parse_file(), ELF_OK);
    cr_expect_eq(image.entry, ENTRY);
    cr_expect_eq(image.vaddr_start, 0x400000);
    cr_expect_eq(image.vaddr_end, 0x403000);
    cr_assert_eq(image.segment_count, 2);
    cr_expect_eq(image.segments[0].vaddr, 0x400000);
    cr_expect_eq(image.segments[0].file_offset, 0x1000);
    cr_expect_eq(image.segments[0].file_size, 0x100);
    cr_expect_eq(image.segments[0].mem_size, 0x100);
    cr_expect_eq(image.segments[0].flags, PF_R | PF_X);
    cr_expect_eq(image.segments[1].mem_size, 0x2000);
    cr_expect_eq(image.segments[1].flags, PF_R | PF_W);
}

Test(elf, copy_segments_and_zero_the_rest)
{
    uint64_t span;
    uint8_t *dest;

    build_valid();
    cr_assert_eq(parse_file(), ELF_OK);
    span = image.vaddr_end - image.vaddr_start;
    dest = malloc(span);
    memset(dest, 0xaa, span);
    elf_copy_segments(file, &image, dest);
    cr_expect_arr_eq(dest, file + 0x1000, 0x100, "text copied");
    for (uint64_t i = 0x100; i < 0x1000; i++)
        cr_assert_eq(dest[i], 0, "gap after text not zeroed at 0x%lx", (unsigned long)i);
    cr_expect_arr_eq(dest + 0x1000, file + 0x2000, 0x10, "data copied");
    for (uint64_t i = 0x1010; i < span; i++)
        cr_assert_eq(dest[i], 0, "bss not zeroed at 0x%lx", (unsigned long)i);
    free(dest);
}

/* Fields are read byte by byte, so the file may sit at any address. */
Test(elf, unaligned_file)
{
    uint8_t *shifted = malloc(sizeof(file) + 1);

    build_valid();
    memcpy(shifted + 1, file, sizeof(file));
    cr_expect_eq(elf_parse(shifted + 1, sizeof(file), &image), ELF_OK);
    free(shifted);
}

Test(elf, other_program_headers_are_ignored)
{
    const struct phdr_spec note = {PT_NOTE, PF_R, 0xffffffff, 0, 0xffffffff, 0, 3};
    const struct phdr_spec phdrs[] = {note, text_segment, data_segment};

    build(phdrs, 3, ENTRY);
    cr_expect_eq(parse_file(), ELF_OK);
    cr_expect_eq(image.segment_count, 2);
}

Test(elf, empty_load_segment_is_skipped)
{
    const struct phdr_spec empty = {PT_LOAD, PF_R, 0, 0x7000000, 0, 0, 0x1000};
    const struct phdr_spec phdrs[] = {text_segment, empty};

    build(phdrs, 2, ENTRY);
    cr_expect_eq(parse_file(), ELF_OK);
    cr_expect_eq(image.segment_count, 1);
    cr_expect_eq(image.vaddr_end, 0x401000);
}

Test(elf, adjacent_segments)
{
    struct phdr_spec data = data_segment;

    data.vaddr = 0x400100;
    data.offset = 0x2100;
    data.align = 0x100;
    build_with_data(data);
    cr_expect_eq(parse_file(), ELF_OK);
}

Test(elf, exactly_max_segments)
{
    struct phdr_spec phdrs[ELF_MAX_SEGMENTS];

    for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++) {
        phdrs[i] = text_segment;
        phdrs[i].vaddr += 0x1000 * i;
    }
    build(phdrs, ELF_MAX_SEGMENTS, ENTRY);
    cr_expect_eq(parse_file(), ELF_OK);
    cr_expect_eq(image.segment_count, ELF_MAX_SEGMENTS);
}

Test(elf, span_of_one_gib)
{
    struct phdr_spec data = data_segment;

    data.memsz = (1ull << 30) - 0x1000;
    build_with_data(data);
    cr_expect_eq(parse_file(), ELF_OK);
    cr_expect_eq(image.vaddr_end - image.vaddr_start, 1ull << 30);
}

Test(elf, entry_on_last_byte_of_text)
{
    const struct phdr_spec phdrs[] = {text_segment, data_segment};

    build(phdrs, 2, 0x4000ff);
    cr_expect_eq(parse_file(), ELF_OK);
}

/* ---- rejected files ------------------------------------------------------ */

Test(elf, truncated_header)
{
    build_valid();
    expect_status(parse_size(0), ELF_ERR_TRUNCATED);
    expect_status(parse_size(3), ELF_ERR_TRUNCATED);
    expect_status(parse_size(63), ELF_ERR_TRUNCATED);
}

Test(elf, bad_magic)
{
    build_valid();
    file[1] = 'e';
    expect_status(parse_file(), ELF_ERR_NOT_ELF);
    expect_status(parse_size(10), ELF_ERR_NOT_ELF);
}

Test(elf, elf32)
{
    build_valid();
    file[4] = 1;
    expect_status(parse_file(), ELF_ERR_UNSUPPORTED);
}

Test(elf, big_endian)
{
    build_valid();
    file[5] = 2;
    expect_status(parse_file(), ELF_ERR_UNSUPPORTED);
}

Test(elf, wrong_machine)
{
    build_valid();
    put(file + 18, 3, 2); /* EM_386 */
    expect_status(parse_file(), ELF_ERR_UNSUPPORTED);
}

Test(elf, not_an_executable)
{
    build_valid();
    put(file + 16, 3, 2); /* ET_DYN */
    expect_status(parse_file(), ELF_ERR_UNSUPPORTED);
}

Test(elf, wrong_phentsize)
{
    build_valid();
    put(file + 54, 32, 2);
    expect_status(parse_file(), ELF_ERR_UNSUPPORTED);
}

Test(elf, phoff_out_of_range)
{
    build_valid();
    put(file + 32, sizeof(file), 8);
    expect_status(parse_file(), ELF_ERR_TRUNCATED);
    put(file + 32, sizeof(file) - 56, 8);
    put(file + 56, 2, 2);
    expect_status(parse_file(), ELF_ERR_TRUNCATED);
    put(file + 32, UINT64_MAX - 8, 8);
    expect_status(parse_file(), ELF_ERR_TRUNCATED);
}

Test(elf, phnum_huge)
{
    build_valid();
    put(file + 56, 0xffff, 2);
    expect_status(parse_file(), ELF_ERR_TRUNCATED);
}

Test(elf, no_segments)
{
    const struct phdr_spec note = {PT_NOTE, PF_R, 0x1000, 0, 0x10, 0, 4};

    build(NULL, 0, ENTRY);
    expect_status(parse_file(), ELF_ERR_NO_SEGMENTS);
    build(&note, 1, ENTRY);
    expect_status(parse_file(), ELF_ERR_NO_SEGMENTS);
}

Test(elf, segment_beyond_end_of_file)
{
    struct phdr_spec data = data_segment;

    data.offset = FILE_SIZE - 8;
    data.vaddr = 0x401000 + data.offset % 0x1000;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_TRUNCATED);
}

Test(elf, segment_offset_plus_size_overflows)
{
    struct phdr_spec data = data_segment;

    data.offset = UINT64_MAX - 0xf;
    data.filesz = 0x20;
    data.align = 0;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, filesz_above_memsz)
{
    struct phdr_spec data = data_segment;

    data.memsz = data.filesz - 1;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, vaddr_plus_memsz_overflows)
{
    struct phdr_spec data = data_segment;

    data.vaddr = UINT64_MAX & ~0xfffull;
    data.memsz = 0x2000;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, end_cannot_round_up_to_a_page)
{
    struct phdr_spec data = data_segment;

    data.vaddr = UINT64_MAX & ~0xfffull;
    data.memsz = 0x800;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, misaligned_segment)
{
    struct phdr_spec data = data_segment;

    data.vaddr += 0x10;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
    data = data_segment;
    data.align = 0x300;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, overlapping_segments)
{
    struct phdr_spec data = data_segment;

    data.vaddr = 0x4000f0 & ~0xfull;
    data.offset = 0x20f0;
    data.align = 0x10;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, segment_inside_another)
{
    struct phdr_spec data = data_segment;

    data.vaddr = 0x3ff000;
    data.memsz = 0x10000;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, span_too_large)
{
    struct phdr_spec data = data_segment;

    data.memsz = (1ull << 30) - 0x1000 + 1;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
    data = data_segment;
    data.vaddr = 0xffffffff80000000;
    build_with_data(data);
    expect_status(parse_file(), ELF_ERR_BAD_SEGMENT);
}

Test(elf, entry_outside_every_segment)
{
    const struct phdr_spec phdrs[] = {text_segment, data_segment};

    build(phdrs, 2, 0x500000);
    expect_status(parse_file(), ELF_ERR_BAD_ENTRY);
    build(phdrs, 2, 0x400100); /* one past the end of text */
    expect_status(parse_file(), ELF_ERR_BAD_ENTRY);
    build(phdrs, 2, 0x3fffff);
    expect_status(parse_file(), ELF_ERR_BAD_ENTRY);
}

Test(elf, entry_in_data_segment)
{
    const struct phdr_spec phdrs[] = {text_segment, data_segment};

    build(phdrs, 2, 0x401000);
    expect_status(parse_file(), ELF_ERR_BAD_ENTRY);
}

Test(elf, too_many_segments)
{
    struct phdr_spec phdrs[ELF_MAX_SEGMENTS + 1];

    for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++) {
        phdrs[i] = text_segment;
        phdrs[i].vaddr += 0x1000 * i;
    }
    build(phdrs, ELF_MAX_SEGMENTS + 1, ENTRY);
    expect_status(parse_file(), ELF_ERR_TOO_MANY_SEGMENTS);
}

Test(elf, every_status_has_its_own_text)
{
    for (int a = ELF_OK; a <= ELF_ERR_BAD_ENTRY; a++) {
        cr_assert_gt(strlen(elf_status_text(a)), 0);
        for (int b = ELF_OK; b < a; b++)
            cr_expect_str_neq(elf_status_text(a), elf_status_text(b));
    }
}
