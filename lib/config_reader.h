/*
 * The config reader's state as it walks the text, and the shape of a
 * section type: what config.c (lines, headers, keys) shares with the files
 * that read one kind of section (config_hypervisor.c, config_partition.c).
 */
#ifndef LIB_CONFIG_READER_H
#define LIB_CONFIG_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/config.h"
#include "lib/config_text.h"

#define CONFIG_MAX_KEYS    24 /* per section type */
#define SECTION_TYPE_COUNT 2  /* [hypervisor] and [partition NAME] */
#define KEY_REQUIRED       true
#define KEY_OPTIONAL       false

struct config_reader;

struct key_handler {
    const char *name;
    /* Stores value into the section being read; false when it is not acceptable. */
    bool (*parse)(struct config_reader *reader, struct span value);
    const char *accepted; /* completes "expected ..." in the error sentence */
    bool required;        /* the section is incomplete without it */
};

/* One kind of section. */
struct section_type {
    const char *name;
    bool takes_name; /* "[partition NAME]" rather than "[hypervisor]" */
    /* For named sections: checks and stores the name and points the reader
     * at the structure the key handlers fill. */
    bool (*enter)(struct config_reader *reader, struct span name);
    const struct key_handler *keys;
    size_t key_count;
    /* Or NULL: checks, once the section's keys are all read, what needs
     * several of them; false when it recorded a problem. */
    bool (*leave)(struct config_reader *reader);
};

struct config_reader {
    const char *text;
    size_t len;
    size_t pos;
    unsigned line;
    struct config *config;
    struct config_error *error;
    const struct section_type *section; /* NULL before the first header */
    struct span section_name;           /* the NAME of [type NAME], for messages */
    unsigned section_line;
    struct config_partition *partition; /* the one [partition NAME] being read */
    unsigned section_first_line[SECTION_TYPE_COUNT];
    unsigned key_first_line[CONFIG_MAX_KEYS];
};

/* Records the problem on the current line; always returns false for
 * "return reader_fail(...)". */
bool reader_fail(struct config_reader *reader, const char *format, ...);

/* config_disk.c: the `disk` key (a key handler of config_partition.c). */
bool config_parse_disk(struct config_reader *reader, struct span value);

/* config_hypervisor.c and config_partition.c */
extern const struct section_type config_hypervisor_section;
extern const struct section_type config_partition_section;

#endif
