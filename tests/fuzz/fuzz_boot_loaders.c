/*
 * libFuzzer harness for the kernel loaders (lib/boot_*.c): whatever the
 * bytes, no loader reads outside the image or writes outside the
 * partition's RAM (a heap block exactly its size, so the sanitizer sees any
 * stray byte), and an accepted kernel enters inside usable RAM.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/boot_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_SIZE (16u << 20)

typedef const char *(*loader)(const struct boot_files *, const struct guest_ram *,
                              struct boot_entry *);

static void run(loader load, const struct boot_files *files, const struct guest_ram *ram)
{
    struct boot_entry entry;

    if (load(files, ram, &entry) == NULL && !guest_ram_usable(ram, entry.rip, 1))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *bytes;
    static const uint8_t initrd[4096];
    static const loader loaders[] = {boot_kernel_load, boot_linux_load, boot_pvh_load,
                                     boot_multiboot_load};
    uint8_t *copy = malloc(size ? size : 1);

    if (bytes == NULL)
        bytes = malloc(RAM_SIZE);
    memcpy(copy, data, size);
    struct boot_files files = {copy, size, initrd, size % 2 ? sizeof(initrd) : 0, "console=ttyS0"};
    struct guest_ram ram = {bytes, RAM_SIZE};
    for (unsigned i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
        run(loaders[i], &files, &ram);
    boot_image_format(copy, size);
    free(copy);
    return 0;
}
