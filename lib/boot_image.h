/*
 * Kernels a full partition boots the way a PC's boot loader would: which
 * format an image is, the partition's RAM as the loaders see it, and the
 * CPU state a loader asks for at entry. The loaders (boot_linux.c,
 * boot_pvh.c, boot_multiboot.c) treat the image as hostile: every offset
 * and size read from it is checked before it is used, and a bad image gets
 * one sentence, never an access outside the file or the RAM.
 */
#ifndef LIB_BOOT_IMAGE_H
#define LIB_BOOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/pc_layout.h"

enum boot_image_format {
    BOOT_IMAGE_FLAT,      /* anything else: a real-mode image (Bulkhead's legacy guests) */
    BOOT_IMAGE_ELF,       /* an ELF without a PVH note or multiboot header (Bulkhead's guests) */
    BOOT_IMAGE_LINUX,     /* a bzImage: Linux's x86 boot protocol */
    BOOT_IMAGE_PVH,       /* an ELF64 vmlinux with the PVH entry note */
    BOOT_IMAGE_MULTIBOOT, /* a multiboot v1 kernel (ELF32 or a.out kludge) */
};

/* What the image says it is, by its own bytes; never fails. */
enum boot_image_format boot_image_format(const uint8_t *file, uint64_t size);

/* Whether the format is one of the kernels the loaders below boot. */
bool boot_image_is_kernel(enum boot_image_format format);

/* The partition's RAM (pc_layout.h): its bytes in the host, or none when
 * only the checks are wanted (check-config). */
struct guest_ram {
    uint8_t *host; /* the host block that pc_layout_ram_pieces() splits; NULL: check only */
    uint64_t size; /* bytes of RAM the partition has */
};

/* Whether [address, address + length) lies wholly in one RAM range of the
 * partition's memory map (no hole, no firmware tables). */
bool guest_ram_usable(const struct guest_ram *ram, uint64_t address, uint64_t length);

/* Copies length bytes to guest-physical address (false when not usable
 * RAM); with no host bytes it only checks. */
bool guest_ram_write(const struct guest_ram *ram, uint64_t address, const void *bytes,
                     uint64_t length);
bool guest_ram_zero(const struct guest_ram *ram, uint64_t address, uint64_t length);
/* A little-endian value of count bytes (1 to 8) at address. */
bool guest_ram_put(const struct guest_ram *ram, uint64_t address, uint64_t value, unsigned count);

/* The highest address, a multiple of align, at which length bytes fit in
 * usable RAM wholly between lowest and limit; false when nowhere. */
bool guest_ram_highest_fit(const struct guest_ram *ram, uint64_t length, uint64_t lowest,
                           uint64_t limit, uint64_t align, uint64_t *address);

enum boot_entry_mode {
    BOOT_ENTRY_PROTECTED32, /* flat 4 GiB CS/DS, paging off */
    BOOT_ENTRY_LONG64,      /* identity-mapped 4 GiB, flat 64-bit CS */
};

/* The boot CPU's state at the kernel's entry. */
struct boot_entry {
    enum boot_entry_mode mode;
    uint64_t rip;
    uint64_t rax, rbx, rsi;
};

/* The files a kernel boots with; initrd and cmdline may be absent (0, ""). */
struct boot_files {
    const uint8_t *kernel;
    uint64_t kernel_size;
    const uint8_t *initrd;
    uint64_t initrd_size;
    const char *cmdline; /* NUL-terminated, shorter than PC_BOOT_CMDLINE_MAX */
};

/*
 * Loads a kernel of one of the formats boot_image_is_kernel() names into
 * ram (with host == NULL, runs only the checks), writes its boot structures
 * and fills entry. Returns NULL, or a sentence on what is wrong.
 */
const char *boot_kernel_load(const struct boot_files *files, const struct guest_ram *ram,
                             struct boot_entry *entry);

/* The loaders, each after boot_image_format() named its format. */
const char *boot_linux_load(const struct boot_files *files, const struct guest_ram *ram,
                            struct boot_entry *entry);
const char *boot_pvh_load(const struct boot_files *files, const struct guest_ram *ram,
                          struct boot_entry *entry);
const char *boot_multiboot_load(const struct boot_files *files, const struct guest_ram *ram,
                                struct boot_entry *entry);

/* Helpers the loaders share (boot_image.c). */
uint64_t boot_read_le(const uint8_t *bytes, unsigned count);
void boot_write_le(uint8_t *bytes, uint64_t value, unsigned count);
/* The command line with its NUL, and the check that it fits. */
const char *boot_place_cmdline(const struct boot_files *files, const struct guest_ram *ram,
                               uint64_t *length);
/* The initrd placed page-aligned as high as it fits below limit; its address. */
const char *boot_place_initrd(const struct boot_files *files, const struct guest_ram *ram,
                              uint64_t limit, uint64_t lowest, uint64_t *address);

#endif
