/*
 * The configuration file reader (see config.h for the format).
 *
 * This file is compiled three times: into the freestanding core, into the
 * gnu-efi stub and into host tools and tests. It therefore calls no library
 * function at all; the few string and message helpers it needs are in
 * config_text.c.
 *
 * The reader walks the text line by line. A line is a section header, a
 * "key = value" pair, or nothing (blank or comment). Each section type owns a
 * table of key handlers (config_hypervisor.c, config_partition.c), so a new
 * section or key is one table entry plus one small parse function.
 */
#include "lib/config.h"

#include <stdarg.h>

#include "lib/config_reader.h"

#define CONFIG_MAX_LINE       255 /* characters, not counting the line end */
#define CONFIG_DEFAULT_SERIAL 0x3f8
#define CONFIG_UTF8_BOM       "\xef\xbb\xbf"

/* ---- errors ----------------------------------------------------------- */

bool reader_fail(struct config_reader *reader, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    config_record_error(reader->error, reader->line, format, args);
    va_end(args);
    return false;
}

/* A key handler that found more than a bad value has said so already. */
static bool already_reported(const struct config_reader *reader)
{
    return reader->error->message[0] != '\0';
}

/* ---- section and key dispatch ------------------------------------------ */

static const struct section_type *const section_types[] = {
    &config_hypervisor_section,
    &config_partition_section,
};

_Static_assert(ARRAY_LENGTH(section_types) == SECTION_TYPE_COUNT, "update SECTION_TYPE_COUNT");

/* The index of the section type called name, or SECTION_TYPE_COUNT. */
static size_t find_section_type(struct span name)
{
    size_t i = 0;

    while (i < SECTION_TYPE_COUNT && !span_equals(name, section_types[i]->name))
        i++;
    return i;
}

/* The choices, for "unknown section" and "unknown key" errors. */
static void list_section_types(char *buf, size_t size)
{
    struct text_out out = text_out_start(buf, size);

    for (size_t i = 0; i < ARRAY_LENGTH(section_types); i++) {
        out_string(&out, i > 0 ? ", [" : "[");
        out_string(&out, section_types[i]->name);
        out_string(&out, section_types[i]->takes_name ? " NAME]" : "]");
    }
}

static void list_keys(const struct section_type *section, char *buf, size_t size)
{
    struct text_out out = text_out_start(buf, size);

    for (size_t i = 0; i < section->key_count; i++) {
        if (i > 0)
            out_string(&out, ", ");
        out_string(&out, section->keys[i].name);
    }
}

/* Checks the "[type]" or "[type name]" part of a header and enters the section. */
static bool enter_section(struct config_reader *reader, struct span type, struct span name)
{
    size_t index = find_section_type(type);
    const struct section_type *section;
    unsigned *first_line;
    char choices[CONFIG_MESSAGE_LEN];

    if (index == SECTION_TYPE_COUNT) {
        list_section_types(choices, sizeof(choices));
        return reader_fail(reader, "unknown section [%t]; known sections are %s", type, choices);
    }
    section = section_types[index];
    if (section->takes_name && name.len == 0)
        return reader_fail(reader, "section [%s] needs a name, as in [%s NAME]", section->name,
                           section->name);
    if (!section->takes_name && name.len > 0)
        return reader_fail(reader, "section [%s] takes no name, but %q follows it", section->name,
                           name);
    /* A named section checks its name for repeats in its enter hook. */
    first_line = &reader->section_first_line[index];
    if (!section->takes_name && *first_line != 0)
        return reader_fail(reader, "section [%s] is given twice (first on line %u)", section->name,
                           *first_line);
    if (section->enter != NULL && !section->enter(reader, name))
        return false;
    if (*first_line == 0)
        *first_line = reader->line;
    reader->section = section;
    reader->section_name = name;
    reader->section_line = reader->line;
    for (size_t i = 0; i < CONFIG_MAX_KEYS; i++)
        reader->key_first_line[i] = 0;
    return true;
}

/* A section ends at the next header or at the end of the file; only then can
 * a missing key be told apart from one that comes later. */
static bool leave_section(struct config_reader *reader)
{
    const struct section_type *section = reader->section;

    if (section == NULL)
        return true;
    for (size_t i = 0; i < section->key_count; i++) {
        if (!section->keys[i].required || reader->key_first_line[i] != 0)
            continue;
        if (section->takes_name)
            return config_fail_at(reader->error, reader->section_line,
                                  "[%s %t] lacks the key '%s', which it requires", section->name,
                                  reader->section_name, section->keys[i].name);
        return config_fail_at(reader->error, reader->section_line,
                              "[%s] lacks the key '%s', which it requires", section->name,
                              section->keys[i].name);
    }
    return section->leave == NULL || section->leave(reader);
}

/* line: trimmed, comment removed, starting with '['. */
static bool read_section_header(struct config_reader *reader, struct span line)
{
    size_t close = span_find(line, ']');
    struct span inside, type;
    size_t type_end;

    if (!leave_section(reader))
        return false;
    if (close == line.len)
        return reader_fail(reader, "section header %q is missing its closing ']'", line);
    if (close != line.len - 1)
        return reader_fail(reader, "unexpected text %q after the section header",
                           span_trim(span_tail(line, close + 1)));
    inside = span_trim((struct span){line.ptr + 1, close - 1});
    if (inside.len == 0)
        return reader_fail(reader, "empty section header '[]'");
    type_end = 0;
    while (type_end < inside.len && !config_is_blank(inside.ptr[type_end]))
        type_end++;
    type = span_head(inside, type_end);
    return enter_section(reader, type, span_trim(span_tail(inside, type_end)));
}

static const struct key_handler *find_key(const struct section_type *section, struct span key)
{
    for (size_t i = 0; i < section->key_count; i++) {
        if (span_equals(key, section->keys[i].name))
            return &section->keys[i];
    }
    return NULL;
}

static bool apply_key(struct config_reader *reader, struct span key, struct span value)
{
    const struct section_type *section = reader->section;
    const struct key_handler *handler = find_key(section, key);
    unsigned *first_line;
    char choices[CONFIG_MESSAGE_LEN];

    if (handler == NULL) {
        list_keys(section, choices, sizeof(choices));
        return reader_fail(reader, "unknown key %q in [%s]; known keys are %s", key, section->name,
                           choices);
    }
    first_line = &reader->key_first_line[handler - section->keys];
    if (*first_line != 0)
        return reader_fail(reader, "key '%s' is given twice in [%s] (first on line %u)",
                           handler->name, section->name, *first_line);
    *first_line = reader->line;
    if (value.len == 0)
        return reader_fail(reader, "key '%s' has no value; expected %s", handler->name,
                           handler->accepted);
    if (handler->parse(reader, value))
        return true;
    if (already_reported(reader))
        return false;
    return reader_fail(reader, "bad value %q for '%s'; expected %s", value, handler->name,
                       handler->accepted);
}

/* line: trimmed, comment removed, not a header. */
static bool read_key_value(struct config_reader *reader, struct span line)
{
    size_t equals = span_find(line, '=');
    struct span key = span_trim(span_head(line, equals));

    if (equals == line.len)
        return reader_fail(reader, "expected 'key = value' or '[section]' but found %q", line);
    if (key.len == 0)
        return reader_fail(reader, "missing key name before '='");
    if (reader->section == NULL)
        return reader_fail(reader, "key %q comes before any section header such as [%s]", key,
                           section_types[0]->name);
    return apply_key(reader, key, span_trim(span_tail(line, equals + 1)));
}

/* ---- lines -------------------------------------------------------------- */

/* Tab, CR and LF are the only control characters a text file needs. */
static bool is_text_byte(unsigned char c)
{
    return (c >= 0x20 && c != 0x7f) || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Cuts the next line (without its LF) out of the text and checks its bytes
 * and length. The line end may be LF or CRLF; the last line may have none.
 */
static bool next_line(struct config_reader *reader, struct span *line)
{
    struct span rest = span_tail((struct span){reader->text, reader->len}, reader->pos);
    size_t end = span_find(rest, '\n');
    size_t length = end;

    reader->line++;
    reader->pos += end < rest.len ? end + 1 : end;
    *line = span_head(rest, end);
    for (size_t i = 0; i < end; i++) {
        if (!is_text_byte((unsigned char)rest.ptr[i]))
            return reader_fail(reader,
                               "non-text byte 0x%x in column %u; the file must be plain text",
                               (unsigned char)rest.ptr[i], (unsigned)(i + 1));
    }
    if (length > 0 && rest.ptr[length - 1] == '\r')
        length--;
    if (length > CONFIG_MAX_LINE)
        return reader_fail(reader, "line is longer than %u characters", CONFIG_MAX_LINE);
    return true;
}

static bool read_line(struct config_reader *reader, struct span line)
{
    line = span_trim(span_head(line, span_find(line, '#')));
    if (line.len == 0)
        return true;
    if (line.ptr[0] == '[')
        return read_section_header(reader, line);
    return read_key_value(reader, line);
}

/* ---- public interface -------------------------------------------------- */

void config_set_defaults(struct config *config)
{
    config->hypervisor.serial_port = CONFIG_DEFAULT_SERIAL;
    config->hypervisor.framebuffer = true;
    config->hypervisor.probe_image[0] = '\0';
    config->hypervisor.on_finish = CONFIG_FINISH_POWEROFF;
    config->hypervisor.crash_test = CONFIG_CRASH_TEST_NONE;
    config->hypervisor.on_fault = CONFIG_FAULT_STOP;
    config->hypervisor.survey = false;
    config->hypervisor.delay_ap = 0;
    config->hypervisor.ioreq_poll_us = 0;
    config->hypervisor.timestamps = false;
    config->file_name[0] = '\0';
    config->partition_count = 0;
}

int config_parse(const char *text, size_t len, const char *file_name, struct config *config,
                 struct config_error *error)
{
    struct config_reader reader = {.text = text, .len = len, .config = config, .error = error};
    struct span line;

    config_error_start(error, file_name);
    config_set_defaults(config);
    config_copy_string(config->file_name, CONFIG_NAME_LEN, error->file);
    /* Editors on Windows like to start UTF-8 files with a byte order mark. */
    if (len >= 3 && span_equals((struct span){text, 3}, CONFIG_UTF8_BOM))
        reader.pos = 3;
    while (reader.pos < reader.len) {
        if (!next_line(&reader, &line) || !read_line(&reader, line))
            return -1;
    }
    if (!leave_section(&reader) || !config_check_device_owners(config, error) ||
        !config_check_emulated(config, error) || !config_check_disks(config, error))
        return -1;
    return 0;
}
