/*
 * A validating ELF64 reader for x86-64 executables: the stub loads the core
 * with it and the core will load guest images with it. Every offset, size and
 * address in the file is checked before it is used; a malformed file yields
 * an error code, never an out-of-bounds access.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

enum elf_status {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED,   /* file shorter than a header or a segment says */
    ELF_ERR_NOT_ELF,     /* bad magic */
    ELF_ERR_UNSUPPORTED, /* not ELF64, not little-endian, not x86-64, not EXEC */
    ELF_ERR_BAD_SEGMENT, /* filesz > memsz, overflow, misaligned, overlapping */
    ELF_ERR_TOO_MANY_SEGMENTS,
    ELF_ERR_NO_SEGMENTS,
    ELF_ERR_BAD_ENTRY, /* entry point not inside an executable segment */
};

struct elf_segment {
    uint64_t vaddr;
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t mem_size;
    uint32_t flags; /* PF_X = 1, PF_W = 2, PF_R = 4 */
};

struct elf_image {
    uint64_t entry;
    uint64_t vaddr_start; /* lowest PT_LOAD vaddr, rounded down to 4 KiB */
    uint64_t vaddr_end;   /* highest PT_LOAD vaddr + memsz, rounded up to 4 KiB */
    unsigned segment_count;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/* Parses and validates; fills image on ELF_OK. */
enum elf_status elf_parse(const void *file, size_t size, struct elf_image *image);

/*
 * Copies every PT_LOAD segment into dest, which holds vaddr_end - vaddr_start
 * bytes and stands for vaddr_start; zero-fills the rest. Only call after
 * elf_parse succeeded on the same bytes.
 */
void elf_copy_segments(const void *file, const struct elf_image *image, void *dest);

const char *elf_status_text(enum elf_status status);

#endif
