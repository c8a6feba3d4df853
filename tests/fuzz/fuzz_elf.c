/*
 * libFuzzer harness for the ELF reader: whatever the bytes, elf_parse must
 * not read outside them, and an image it accepts must keep every promise the
 * loader relies on (segments inside the file and inside the span, no overlap,
 * entry in an executable segment), so that copying it is safe.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Copying is checked only for spans this small, to keep runs fast. */
#define MAX_COPY_SPAN (16u << 20)

static void check_segment(const struct elf_segment *seg, const struct elf_image *image, size_t size)
{
    if (seg->file_size > seg->mem_size || seg->file_offset > size ||
        seg->file_size > size - seg->file_offset)
        abort();
    if (seg->vaddr < image->vaddr_start || seg->vaddr + seg->mem_size > image->vaddr_end)
        abort();
}

static void check_image(const struct elf_image *image, size_t size)
{
    int entry_ok = 0;

    if (image->segment_count == 0 || image->segment_count > ELF_MAX_SEGMENTS ||
        image->vaddr_start >= image->vaddr_end || (image->vaddr_start | image->vaddr_end) & 0xfff)
        abort();
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct elf_segment *a = &image->segments[i];

        check_segment(a, image, size);
        for (unsigned j = 0; j < i; j++) {
            const struct elf_segment *b = &image->segments[j];
            if (a->vaddr < b->vaddr + b->mem_size && b->vaddr < a->vaddr + a->mem_size)
                abort();
        }
        if ((a->flags & 1) && image->entry >= a->vaddr && image->entry - a->vaddr < a->mem_size)
            entry_ok = 1;
    }
    if (!entry_ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image image;
    enum elf_status status = elf_parse(data, size, &image);
    uint64_t span;
    uint8_t *dest;

    if (elf_status_text(status) == NULL)
        abort();
    if (status != ELF_OK)
        return 0;
    check_image(&image, size);
    span = image.vaddr_end - image.vaddr_start;
    if (span <= MAX_COPY_SPAN) {
        dest = malloc(span);
        elf_copy_segments(data, &image, dest);
        free(dest);
    }
    return 0;
}
