/*
 * The program headers of an ELF32 or ELF64 kernel, read by physical
 * address (p_paddr) as boot loaders do: the PVH and multiboot loaders place
 * segments where the kernel asks to be in physical memory, whatever its
 * virtual addresses are. Bulkhead's own guests go through lib/elf.h.
 */
#ifndef LIB_BOOT_ELF_H
#define LIB_BOOT_ELF_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/boot_image.h"

struct boot_elf {
    const uint8_t *file;
    uint64_t size;
    bool is64;
    uint64_t entry;
    uint64_t phoff;
    unsigned phnum;
};

struct boot_segment {
    uint32_t type;
    uint64_t offset, vaddr, paddr, file_size, mem_size;
};

#define BOOT_PT_LOAD 1
#define BOOT_PT_NOTE 4

/* Checks the header (little-endian x86 or x86-64 executable, program
 * headers inside the file); NULL or a sentence. */
const char *boot_elf_open(struct boot_elf *elf, const uint8_t *file, uint64_t size);

/* Program header index, its fields checked against the file; false when
 * the segment's bytes lie outside the file or its sizes are inconsistent. */
bool boot_elf_segment(const struct boot_elf *elf, unsigned index, struct boot_segment *segment);

/* Copies every PT_LOAD segment to its p_paddr and zeroes the rest of its
 * memory size; each must lie in usable RAM at or above 1 MiB. The end of
 * the highest one goes to *end. */
const char *boot_elf_load(const struct boot_elf *elf, const struct guest_ram *ram, uint64_t *end);

/* The descriptor of the note (name, type) in a PT_NOTE segment; false
 * when there is none. */
bool boot_elf_find_note(const struct boot_elf *elf, const char *name, uint32_t type,
                        const uint8_t **desc, uint64_t *desc_size);

#endif
