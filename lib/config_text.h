/*
 * The config reader's text helpers, shared by its source files (lib/config*.c)
 * and by nothing else. Like the reader they call no library function.
 */
#ifndef LIB_CONFIG_TEXT_H
#define LIB_CONFIG_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

#define ARRAY_LENGTH(a) (sizeof(a) / sizeof((a)[0]))

#define KIB (1ull << 10)
#define MIB (1ull << 20)
#define GIB (1ull << 30)

/* A piece of the input text: not NUL-terminated, never written to. */
struct span {
    const char *ptr;
    size_t len;
};

bool span_equals(struct span s, const char *word);
/* Without blanks (space, tab, CR) at either end. */
struct span span_trim(struct span s);
/* Index of the first c in s, or s.len when there is none. */
size_t span_find(struct span s, char c);
struct span span_head(struct span s, size_t end);
struct span span_tail(struct span s, size_t start);
/* The items of a comma-separated list, one at a time. An empty value holds
 * one empty item and "a," holds "a" and an empty one, so that a caller can
 * refuse empty entries. */
struct span_list {
    struct span rest;
    bool done;
};
/* The next item, untrimmed; false once the list is used up. */
bool span_list_next(struct span_list *list, struct span *item);
/* The first word of s (up to a blank) and, in *rest, what follows it
 * without the blanks. */
struct span span_split_word(struct span s, struct span *rest);
/* Decimal, or hexadecimal with a 0x prefix; false on anything else or overflow. */
bool span_to_u64(struct span s, uint64_t *out);
/* Bytes, or a number with a K, M or G suffix; false on anything else or overflow. */
bool span_to_size(struct span s, uint64_t *bytes);

/* Accepts exactly one of two words; *is_second tells which it was. */
bool parse_one_of_two(struct span value, const char *first, const char *second, bool *is_second);
bool parse_yes_no(struct span value, bool *out);
/* A file name the stub can open beside BOOTX64.EFI (see config_text.c). */
bool parse_file_name(struct span value, char out[CONFIG_NAME_LEN]);

/* Bounded text output, always NUL-terminated. */
struct text_out {
    char *buf;
    size_t size;
    size_t len;
};

struct text_out text_out_start(char *buf, size_t size);
void out_string(struct text_out *out, const char *s);

bool config_strings_equal(const char *a, const char *b);
/* Space, tab or CR. */
bool config_is_blank(char c);

/*
 * The reader's message formats: %s (C string), %u (unsigned), %x (unsigned,
 * at least two hex digits), %z (uint64_t bytes, as a size), %t (struct span
 * of input text), %q (the same in quotes) and %%.
 */
void config_text_format(char *buf, size_t size, const char *format, ...);

/* Empties error and names file_name (or "(config)") as the file at fault. */
void config_error_start(struct config_error *error, const char *file_name);
/* Copies src into dest, cut to size - 1 characters and always terminated. */
void config_copy_string(char *dest, size_t size, const char *src);

/* Records a problem at line into error (the message formats above). */
void config_record_error(struct config_error *error, unsigned line, const char *format,
                         va_list args);

/* Records a problem at line; always returns false for "return config_fail_at(...)". */
bool config_fail_at(struct config_error *error, unsigned line, const char *format, ...);

/* config_devices.c: the value of a partition's `devices` key, read into
 * partition->devices (partition->devices_line is the key's line). */
bool config_parse_devices(struct config_partition *partition, struct span value,
                          struct config_error *error);
/* config_devices.c: the checks that need the whole file (who is privileged,
 * the hypervisor's console port). */
bool config_check_device_owners(const struct config *config, struct config_error *error);

/* config_disk.c: the checks of `disk` that need the whole file (the ATA
 * disks the privileged partition owns, the other partitions' ranges). */
bool config_check_disks(const struct config *config, struct config_error *error);

/* config_devices.c: "BB:DD.F", as lspci prints it, into device's bus,
 * slot and function. */
bool config_parse_pci_address(struct span s, struct config_device *device);

/* config_ports.c: which of the PC chipset's registers (PIC, PIT, keyboard
 * controller, CMOS/NMI, reset and A20, ELCR, legacy DMA) [first, last]
 * overlaps, as words for a message; NULL when none. */
const char *config_chipset_ports_overlap(unsigned first, unsigned last);

/* config_emulate.c: the value of a partition's `emulate` key (its line is
 * partition->emulate_line), and the checks that need the whole section (the
 * partition's mode and memory). */
bool config_parse_emulate(struct config_partition *partition, struct span value,
                          struct config_error *error);
bool config_check_emulated(const struct config *config, struct config_error *error);

/* config_emulate.c: the ranges of the disk a partition's `disk` key names
 * (its line is partition->disk_line), forwarded to dom0 like `emulate`'s. */
bool config_add_disk_models(struct config_partition *partition, struct config_error *error);
/* config_emulate.c: the ranges of the virtio console `console = virtio`
 * gives (its line is partition->console_line), forwarded likewise. */
bool config_add_console_models(struct config_partition *partition, struct config_error *error);

#endif
