/*
 * Files on the EFI System Partition, read from the directory the stub itself
 * was loaded from (normally \EFI\BOOT\), so a whole installation can live in
 * any one directory.
 */
#ifndef BOOT_ESP_H
#define BOOT_ESP_H

#include <efi.h>

#define ESP_PATH_LEN 256

struct esp_dir {
    EFI_FILE_HANDLE root;
    CHAR16 path[ESP_PATH_LEN]; /* ends with a backslash */
};

struct esp_file {
    CHAR16 path[ESP_PATH_LEN];
    EFI_PHYSICAL_ADDRESS phys; /* page aligned */
    UINT64 size;               /* bytes */
};

/* Opens the volume the stub came from and finds its directory on it. */
EFI_STATUS esp_open_own_dir(EFI_HANDLE image, struct esp_dir *dir);

/*
 * Reads the file name (relative to dir, '/' or '\' separated) whole into new
 * pages of memory_type (tracked by pages.h). Prints one error sentence that
 * names the file on failure.
 */
EFI_STATUS esp_load_file(const struct esp_dir *dir, const char *name, UINT32 memory_type,
                         struct esp_file *file);

/* Writes length bytes of text to the file name (relative to dir), replacing
 * any file of that name. Prints one warning sentence on failure: a stick
 * that cannot be written to is no reason not to boot. */
EFI_STATUS esp_write_file(const struct esp_dir *dir, const char *name, const char *text,
                          UINTN length);

#endif
