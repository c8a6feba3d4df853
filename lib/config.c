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
 * table of key handlers, so a new section or key is one table entry plus one
 * small parse function.
 */
#include "lib/config.h"

#include <stdarg.h>

#include "lib/config_text.h"

#define CONFIG_MAX_LINE       255 /* characters, not counting the line end */
#define CONFIG_MAX_KEYS       16  /* per section type */
#define CONFIG_DEFAULT_SERIAL 0x3f8
#define CONFIG_UTF8_BOM       "\xef\xbb\xbf"
#define SECTION_TYPE_COUNT    2 /* entries in section_types[] */
#define PAGE_SIZE             (4 * KIB)
#define PARTITION_MEMORY_MIN  MIB
#define PARTITION_MEMORY_MAX  (64 * GIB)
#define TIME_LIMIT_MAX        3600 /* seconds: an hour is plenty for a watchdog */
#define KEY_REQUIRED          true
#define KEY_OPTIONAL          false

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

/* ---- errors ----------------------------------------------------------- */

/* Records the problem on the current line; always returns false for "return fail(...)". */
static bool fail(struct config_reader *reader, const char *format, ...)
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

/* ---- the [hypervisor] section ------------------------------------------ */

/* Accepts exactly one of two words; *is_second tells which it was. */
static bool parse_one_of_two(struct span value, const char *first, const char *second,
                             bool *is_second)
{
    if (span_equals(value, first))
        *is_second = false;
    else if (span_equals(value, second))
        *is_second = true;
    else
        return false;
    return true;
}

static bool parse_yes_no(struct span value, bool *out)
{
    return parse_one_of_two(value, "no", "yes", out);
}

/*
 * A file name the stub can open beside BOOTX64.EFI: printable ASCII (the
 * stub widens it to UCS-2 byte by byte), no spaces, no path separators.
 */
static bool parse_file_name(struct span value, char out[CONFIG_NAME_LEN])
{
    if (value.len == 0 || value.len >= CONFIG_NAME_LEN)
        return false;
    for (size_t i = 0; i < value.len; i++) {
        char c = value.ptr[i];
        if (c <= ' ' || c >= 0x7f || c == '/' || c == '\\')
            return false;
    }
    for (size_t i = 0; i < value.len; i++)
        out[i] = value.ptr[i];
    out[value.len] = '\0';
    return true;
}

static bool parse_serial(struct config_reader *reader, struct span value)
{
    uint64_t port;

    if (span_equals(value, "none")) {
        reader->config->hypervisor.serial_port = 0;
        return true;
    }
    if (!span_to_u64(value, &port) || port == 0 || port > 0xffff)
        return false;
    reader->config->hypervisor.serial_port = (uint16_t)port;
    return true;
}

static bool parse_framebuffer(struct config_reader *reader, struct span value)
{
    return parse_yes_no(value, &reader->config->hypervisor.framebuffer);
}

static bool parse_probe(struct config_reader *reader, struct span value)
{
    if (span_equals(value, "none")) {
        reader->config->hypervisor.probe_image[0] = '\0';
        return true;
    }
    return parse_file_name(value, reader->config->hypervisor.probe_image);
}

static bool parse_on_finish(struct config_reader *reader, struct span value)
{
    enum config_on_finish *on_finish = &reader->config->hypervisor.on_finish;

    if (span_equals(value, "poweroff"))
        *on_finish = CONFIG_FINISH_POWEROFF;
    else if (span_equals(value, "halt"))
        *on_finish = CONFIG_FINISH_HALT;
    else
        return false;
    return true;
}

static bool parse_crash_test(struct config_reader *reader, struct span value)
{
    enum config_crash_test *test = &reader->config->hypervisor.crash_test;

    if (span_equals(value, "none"))
        *test = CONFIG_CRASH_TEST_NONE;
    else if (span_equals(value, "page-fault"))
        *test = CONFIG_CRASH_TEST_PAGE_FAULT;
    else if (span_equals(value, "stack-overflow"))
        *test = CONFIG_CRASH_TEST_STACK_OVERFLOW;
    else
        return false;
    return true;
}

/* cpu0 is the boot CPU, which is running already. */
static bool parse_delay_ap(struct config_reader *reader, struct span value)
{
    uint64_t cpu;

    if (span_equals(value, "none")) {
        reader->config->hypervisor.delay_ap = 0;
        return true;
    }
    if (!span_to_u64(value, &cpu) || cpu == 0 || cpu >= CONFIG_MAX_CPUS)
        return false;
    reader->config->hypervisor.delay_ap = (unsigned)cpu;
    return true;
}

static const struct key_handler hypervisor_keys[] = {
    {"serial", parse_serial, "none or an I/O port from 0x1 to 0xffff, in hex or decimal",
     KEY_OPTIONAL},
    {"framebuffer", parse_framebuffer, "yes or no", KEY_OPTIONAL},
    {"probe", parse_probe,
     "none or a file name of 1 to 63 characters without spaces or path separators", KEY_OPTIONAL},
    {"on_finish", parse_on_finish, "poweroff or halt", KEY_OPTIONAL},
    {"crash_test", parse_crash_test, "none, page-fault or stack-overflow", KEY_OPTIONAL},
    {"delay_ap", parse_delay_ap, "none or a CPU number from 1 to 255", KEY_OPTIONAL},
};

/* ---- [partition NAME] sections ------------------------------------------ */

static bool is_partition_name(struct span name)
{
    if (name.len == 0 || name.len >= CONFIG_PARTITION_NAME_LEN)
        return false;
    for (size_t i = 0; i < name.len; i++) {
        char c = name.ptr[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

static const struct config_partition *find_partition(const struct config *config, struct span name)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (span_equals(name, config->partitions[i].name))
            return &config->partitions[i];
    }
    return NULL;
}

static void partition_set_defaults(struct config_partition *partition, struct span name,
                                   unsigned line)
{
    for (size_t i = 0; i < name.len; i++)
        partition->name[i] = name.ptr[i];
    partition->name[name.len] = '\0';
    for (size_t i = 0; i < CONFIG_MAX_CPUS / 64; i++)
        partition->cpus[i] = 0;
    partition->cpu_count = 0;
    partition->memory = 0;
    partition->image[0] = '\0';
    partition->mode = CONFIG_MODE_FULL;
    partition->privileged = false;
    partition->on_crash = CONFIG_ON_CRASH_STOP;
    partition->console = CONFIG_CONSOLE_DEBUGCON;
    partition->time_limit_seconds = 0;
    partition->script[0] = '\0';
    partition->line = line;
    partition->cpus_line = 0;
    partition->memory_line = 0;
    partition->image_line = 0;
    partition->device_count = 0;
    partition->devices_line = 0;
}

static bool enter_partition(struct config_reader *reader, struct span name)
{
    struct config *config = reader->config;
    const struct config_partition *same = find_partition(config, name);

    if (!is_partition_name(name))
        return fail(reader,
                    "bad partition name %q; expected 1 to 31 characters of A-Z, a-z, 0-9, _ and -",
                    name);
    if (same != NULL)
        return fail(reader, "partition '%s' is given twice (first on line %u)", same->name,
                    same->line);
    if (config->partition_count == CONFIG_MAX_PARTITIONS)
        return fail(reader, "too many partitions: at most %u are allowed", CONFIG_MAX_PARTITIONS);
    reader->partition = &config->partitions[config->partition_count++];
    partition_set_defaults(reader->partition, name, reader->line);
    return true;
}

/* The partition that owns cpu, or NULL. */
static const struct config_partition *find_cpu_owner(const struct config *config, unsigned cpu)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (config_partition_has_cpu(&config->partitions[i], cpu))
            return &config->partitions[i];
    }
    return NULL;
}

static bool add_cpu(struct config_reader *reader, unsigned cpu)
{
    struct config_partition *partition = reader->partition;
    const struct config_partition *owner = find_cpu_owner(reader->config, cpu);

    if (owner == partition)
        return fail(reader, "cpu %u is given twice in the cpus of partition '%s'", cpu,
                    partition->name);
    if (owner != NULL)
        return fail(reader, "cpu %u is already given to partition '%s' (line %u)", cpu, owner->name,
                    owner->cpus_line);
    partition->cpus[cpu / 64] |= 1ull << (cpu % 64);
    partition->cpu_count++;
    return true;
}

static bool parse_cpu_number(struct span s, uint64_t *cpu)
{
    return span_to_u64(span_trim(s), cpu) && *cpu < CONFIG_MAX_CPUS;
}

/* One item of the list: "2" or "1-3". */
static bool add_cpu_item(struct config_reader *reader, struct span item)
{
    size_t dash = span_find(item, '-');
    uint64_t first, last;

    if (!parse_cpu_number(span_head(item, dash), &first))
        return false;
    last = first;
    if (dash < item.len && !parse_cpu_number(span_tail(item, dash + 1), &last))
        return false;
    if (last < first)
        return false;
    for (uint64_t cpu = first; cpu <= last; cpu++) {
        if (!add_cpu(reader, (unsigned)cpu))
            return false;
    }
    return true;
}

static bool parse_cpus(struct config_reader *reader, struct span value)
{
    reader->partition->cpus_line = reader->line;
    for (;;) {
        size_t comma = span_find(value, ',');

        if (!add_cpu_item(reader, span_head(value, comma)))
            return false;
        if (comma == value.len)
            return true;
        value = span_tail(value, comma + 1);
    }
}

static uint64_t size_unit(char suffix)
{
    switch (suffix) {
    case 'K':
    case 'k':
        return KIB;
    case 'M':
    case 'm':
        return MIB;
    case 'G':
    case 'g':
        return GIB;
    default:
        return 1;
    }
}

/* Bytes, or a number with a K, M or G suffix; false on anything else or overflow. */
static bool span_to_size(struct span s, uint64_t *bytes)
{
    uint64_t unit = s.len > 0 ? size_unit(s.ptr[s.len - 1]) : 1;
    uint64_t number;

    if (unit != 1)
        s.len--;
    if (!span_to_u64(span_trim(s), &number) || number > UINT64_MAX / unit)
        return false;
    *bytes = number * unit;
    return true;
}

static bool parse_memory(struct config_reader *reader, struct span value)
{
    uint64_t bytes;

    reader->partition->memory_line = reader->line;
    if (!span_to_size(value, &bytes) || bytes % PAGE_SIZE != 0 || bytes < PARTITION_MEMORY_MIN ||
        bytes > PARTITION_MEMORY_MAX)
        return false;
    reader->partition->memory = bytes;
    return true;
}

static bool parse_image(struct config_reader *reader, struct span value)
{
    reader->partition->image_line = reader->line;
    return parse_file_name(value, reader->partition->image);
}

static bool parse_mode(struct config_reader *reader, struct span value)
{
    bool pv;

    if (!parse_one_of_two(value, "full", "pv", &pv))
        return false;
    reader->partition->mode = pv ? CONFIG_MODE_PV : CONFIG_MODE_FULL;
    return true;
}

/* Another privileged partition than this one, or NULL. */
static const struct config_partition *find_other_privileged(const struct config *config,
                                                            const struct config_partition *self)
{
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *other = &config->partitions[i];
        if (other != self && other->privileged)
            return other;
    }
    return NULL;
}

static bool parse_privileged(struct config_reader *reader, struct span value)
{
    struct config_partition *partition = reader->partition;
    const struct config_partition *other;

    if (!parse_yes_no(value, &partition->privileged))
        return false;
    other = find_other_privileged(reader->config, partition);
    if (partition->privileged && other != NULL)
        return fail(reader, "only one partition may be privileged, and partition '%s' (line %u) is",
                    other->name, other->line);
    return true;
}

static bool parse_on_crash(struct config_reader *reader, struct span value)
{
    bool restart;

    if (!parse_one_of_two(value, "stop", "restart", &restart))
        return false;
    reader->partition->on_crash = restart ? CONFIG_ON_CRASH_RESTART : CONFIG_ON_CRASH_STOP;
    return true;
}

static bool parse_console(struct config_reader *reader, struct span value)
{
    bool none;

    if (!parse_one_of_two(value, "debugcon", "none", &none))
        return false;
    reader->partition->console = none ? CONFIG_CONSOLE_NONE : CONFIG_CONSOLE_DEBUGCON;
    return true;
}

static bool parse_time_limit(struct config_reader *reader, struct span value)
{
    uint64_t seconds;

    if (!span_to_u64(value, &seconds) || seconds > TIME_LIMIT_MAX)
        return false;
    reader->partition->time_limit_seconds = (unsigned)seconds;
    return true;
}

/* Commands for the partition to run at start (dom0's boot script):
 * printable text, ';' between commands. */
static bool parse_script(struct config_reader *reader, struct span value)
{
    if (value.len >= CONFIG_SCRIPT_LEN)
        return false;
    for (size_t i = 0; i < value.len; i++) {
        if (value.ptr[i] < ' ' || value.ptr[i] >= 0x7f)
            return false;
        reader->partition->script[i] = value.ptr[i];
    }
    reader->partition->script[value.len] = '\0';
    return true;
}

static bool parse_devices(struct config_reader *reader, struct span value)
{
    reader->partition->devices_line = reader->line;
    return config_parse_devices(reader->partition, value, reader->error);
}

static const struct key_handler partition_keys[] = {
    {"cpus", parse_cpus, "CPU numbers from 0 to 255 as a list and/or ranges, as in 0, 2-3",
     KEY_REQUIRED},
    {"memory", parse_memory, "a multiple of 4K from 1M to 64G, in bytes or with a K, M or G suffix",
     KEY_REQUIRED},
    {"image", parse_image, "a file name of 1 to 63 characters without spaces or path separators",
     KEY_REQUIRED},
    {"mode", parse_mode, "full or pv", KEY_OPTIONAL},
    {"privileged", parse_privileged, "yes or no", KEY_OPTIONAL},
    {"on_crash", parse_on_crash, "stop or restart", KEY_OPTIONAL},
    {"console", parse_console, "debugcon or none", KEY_OPTIONAL},
    {"time_limit", parse_time_limit, "seconds from 1 to 3600, or 0 for no limit", KEY_OPTIONAL},
    {"script", parse_script, "commands separated by ';', up to 255 printable characters",
     KEY_OPTIONAL},
    {"devices", parse_devices, "a list such as serial 0x2f8, framebuffer, pci 00:02.0",
     KEY_OPTIONAL},
};

/* ---- section and key dispatch ------------------------------------------ */

static const struct section_type section_types[] = {
    {"hypervisor", false, NULL, hypervisor_keys, ARRAY_LENGTH(hypervisor_keys)},
    {"partition", true, enter_partition, partition_keys, ARRAY_LENGTH(partition_keys)},
};

_Static_assert(ARRAY_LENGTH(hypervisor_keys) <= CONFIG_MAX_KEYS, "raise CONFIG_MAX_KEYS");
_Static_assert(ARRAY_LENGTH(partition_keys) <= CONFIG_MAX_KEYS, "raise CONFIG_MAX_KEYS");
_Static_assert(ARRAY_LENGTH(section_types) == SECTION_TYPE_COUNT, "update SECTION_TYPE_COUNT");

static const struct section_type *find_section_type(struct span name)
{
    for (size_t i = 0; i < ARRAY_LENGTH(section_types); i++) {
        if (span_equals(name, section_types[i].name))
            return &section_types[i];
    }
    return NULL;
}

/* The choices, for "unknown section" and "unknown key" errors. */
static void list_section_types(char *buf, size_t size)
{
    struct text_out out = text_out_start(buf, size);

    for (size_t i = 0; i < ARRAY_LENGTH(section_types); i++) {
        out_string(&out, i > 0 ? ", [" : "[");
        out_string(&out, section_types[i].name);
        out_string(&out, section_types[i].takes_name ? " NAME]" : "]");
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
    const struct section_type *section = find_section_type(type);
    unsigned *first_line;
    char choices[CONFIG_MESSAGE_LEN];

    if (section == NULL) {
        list_section_types(choices, sizeof(choices));
        return fail(reader, "unknown section [%t]; known sections are %s", type, choices);
    }
    if (section->takes_name && name.len == 0)
        return fail(reader, "section [%s] needs a name, as in [%s NAME]", section->name,
                    section->name);
    if (!section->takes_name && name.len > 0)
        return fail(reader, "section [%s] takes no name, but %q follows it", section->name, name);
    /* A named section checks its name for repeats in its enter hook. */
    first_line = &reader->section_first_line[section - section_types];
    if (!section->takes_name && *first_line != 0)
        return fail(reader, "section [%s] is given twice (first on line %u)", section->name,
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
    return true;
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
        return fail(reader, "section header %q is missing its closing ']'", line);
    if (close != line.len - 1)
        return fail(reader, "unexpected text %q after the section header",
                    span_trim(span_tail(line, close + 1)));
    inside = span_trim((struct span){line.ptr + 1, close - 1});
    if (inside.len == 0)
        return fail(reader, "empty section header '[]'");
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
        return fail(reader, "unknown key %q in [%s]; known keys are %s", key, section->name,
                    choices);
    }
    first_line = &reader->key_first_line[handler - section->keys];
    if (*first_line != 0)
        return fail(reader, "key '%s' is given twice in [%s] (first on line %u)", handler->name,
                    section->name, *first_line);
    *first_line = reader->line;
    if (value.len == 0)
        return fail(reader, "key '%s' has no value; expected %s", handler->name, handler->accepted);
    if (handler->parse(reader, value))
        return true;
    if (already_reported(reader))
        return false;
    return fail(reader, "bad value %q for '%s'; expected %s", value, handler->name,
                handler->accepted);
}

/* line: trimmed, comment removed, not a header. */
static bool read_key_value(struct config_reader *reader, struct span line)
{
    size_t equals = span_find(line, '=');
    struct span key = span_trim(span_head(line, equals));

    if (equals == line.len)
        return fail(reader, "expected 'key = value' or '[section]' but found %q", line);
    if (key.len == 0)
        return fail(reader, "missing key name before '='");
    if (reader->section == NULL)
        return fail(reader, "key %q comes before any section header such as [%s]", key,
                    section_types[0].name);
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
            return fail(reader, "non-text byte 0x%x in column %u; the file must be plain text",
                        (unsigned char)rest.ptr[i], (unsigned)(i + 1));
    }
    if (length > 0 && rest.ptr[length - 1] == '\r')
        length--;
    if (length > CONFIG_MAX_LINE)
        return fail(reader, "line is longer than %u characters", CONFIG_MAX_LINE);
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
    config->hypervisor.delay_ap = 0;
    config->file_name[0] = '\0';
    config->partition_count = 0;
}

static void copy_string(char *dest, size_t size, const char *src)
{
    struct text_out out = text_out_start(dest, size);

    out_string(&out, src);
}

static void start_error(struct config_error *error, const char *file_name)
{
    copy_string(error->file, CONFIG_NAME_LEN, file_name != NULL ? file_name : "(config)");
    error->line = 0;
    error->message[0] = '\0';
}

int config_parse(const char *text, size_t len, const char *file_name, struct config *config,
                 struct config_error *error)
{
    struct config_reader reader = {.text = text, .len = len, .config = config, .error = error};
    struct span line;

    start_error(error, file_name);
    config_set_defaults(config);
    copy_string(config->file_name, CONFIG_NAME_LEN, error->file);
    /* Editors on Windows like to start UTF-8 files with a byte order mark. */
    if (len >= 3 && span_equals((struct span){text, 3}, CONFIG_UTF8_BOM))
        reader.pos = 3;
    while (reader.pos < reader.len) {
        if (!next_line(&reader, &line) || !read_line(&reader, line))
            return -1;
    }
    if (!leave_section(&reader) || !config_check_device_owners(config, error))
        return -1;
    return 0;
}

bool config_partition_has_cpu(const struct config_partition *partition, unsigned cpu)
{
    return cpu < CONFIG_MAX_CPUS && (partition->cpus[cpu / 64] >> (cpu % 64)) & 1;
}

static bool check_cpus_present(const struct config_partition *partition, unsigned cpu_count,
                               struct config_error *error)
{
    for (unsigned cpu = cpu_count; cpu < CONFIG_MAX_CPUS; cpu++) {
        if (!config_partition_has_cpu(partition, cpu))
            continue;
        if (cpu_count == 1)
            return config_fail_at(error, partition->cpus_line,
                                  "cpu %u is not present: this machine has 1 CPU (cpu0)", cpu);
        return config_fail_at(error, partition->cpus_line,
                              "cpu %u is not present: this machine has %u CPUs (cpu0-cpu%u)", cpu,
                              cpu_count, cpu_count - 1);
    }
    return true;
}

/* Rounded down to a whole MiB, so a message does not show a long odd number. */
static uint64_t round_for_message(uint64_t bytes)
{
    return bytes >= MIB ? bytes - bytes % MIB : bytes;
}

int config_check_machine(const struct config *config, unsigned cpu_count, uint64_t usable_bytes,
                         struct config_error *error)
{
    uint64_t asked = 0;

    start_error(error, config->file_name[0] != '\0' ? config->file_name : NULL);
    for (unsigned i = 0; i < config->partition_count; i++) {
        const struct config_partition *partition = &config->partitions[i];

        if (!check_cpus_present(partition, cpu_count, error))
            return -1;
        asked += partition->memory;
        if (asked > usable_bytes) {
            config_fail_at(
                error, partition->memory_line,
                "partition '%s' does not fit: the partitions up to it ask for %z of memory, "
                "but this machine has only %z usable",
                partition->name, asked, round_for_message(usable_bytes));
            return -1;
        }
    }
    return 0;
}

/* Every image name in order, repeats included: the probe, then each partition's. */
static const char *image_mention(const struct config *config, size_t mention)
{
    if (mention == 0)
        return config->hypervisor.probe_image[0] != '\0' ? config->hypervisor.probe_image : NULL;
    return config->partitions[mention - 1].image;
}

/* Whether a mention names an image that no earlier mention named. */
static bool is_new_image(const struct config *config, size_t mention)
{
    const char *name = image_mention(config, mention);

    if (name == NULL)
        return false;
    for (size_t earlier = 0; earlier < mention; earlier++) {
        const char *other = image_mention(config, earlier);
        if (other != NULL && config_strings_equal(name, other))
            return false;
    }
    return true;
}

size_t config_image_count(const struct config *config)
{
    size_t count = 0;

    for (size_t mention = 0; mention <= config->partition_count; mention++)
        count += is_new_image(config, mention);
    return count;
}

/* NULL when index is not below config_image_count(). */
const char *config_image_name(const struct config *config, size_t index)
{
    for (size_t mention = 0; mention <= config->partition_count; mention++) {
        if (!is_new_image(config, mention))
            continue;
        if (index == 0)
            return image_mention(config, mention);
        index--;
    }
    return NULL;
}
