/*
 * The config reader's text helpers (see config_text.h): spans of the input,
 * bounded message output and error records. Like the reader, no library
 * function.
 */
#include "lib/config_text.h"

#include <stdarg.h>

#define CONFIG_QUOTE_LEN 32 /* longest piece of the input quoted in a message */

/* ---- small string helpers (no C library here) ---------------------------- */

bool span_equals(struct span s, const char *word)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        if (word[i] == '\0' || word[i] != s.ptr[i])
            return false;
    }
    return word[i] == '\0';
}

bool config_strings_equal(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

bool config_is_blank(char c)
{
    /* CR counts as blank so that CRLF files and stray CRs need no special case. */
    return c == ' ' || c == '\t' || c == '\r';
}

struct span span_trim(struct span s)
{
    while (s.len > 0 && config_is_blank(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && config_is_blank(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

size_t span_find(struct span s, char c)
{
    size_t i = 0;

    while (i < s.len && s.ptr[i] != c)
        i++;
    return i;
}

bool span_list_next(struct span_list *list, struct span *item)
{
    size_t comma = span_find(list->rest, ',');

    if (list->done)
        return false;
    *item = span_head(list->rest, comma);
    if (comma == list->rest.len)
        list->done = true;
    else
        list->rest = span_tail(list->rest, comma + 1);
    return true;
}

struct span span_head(struct span s, size_t end)
{
    return (struct span){s.ptr, end};
}

struct span span_tail(struct span s, size_t start)
{
    return (struct span){s.ptr + start, s.len - start};
}

/* The first word of s and the rest after blanks. */
struct span span_split_word(struct span s, struct span *rest)
{
    size_t blank = 0;

    while (blank < s.len && s.ptr[blank] != ' ' && s.ptr[blank] != '\t')
        blank++;
    *rest = span_trim(span_tail(s, blank));
    return span_head(s, blank);
}

bool span_to_u64(struct span s, uint64_t *out)
{
    unsigned base = 10;
    uint64_t value = 0;
    size_t i = 0;

    if (s.len > 2 && s.ptr[0] == '0' && (s.ptr[1] == 'x' || s.ptr[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == s.len)
        return false;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        unsigned digit;

        if (c >= '0' && c <= '9')
            digit = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = (unsigned)(c - 'A' + 10);
        else
            return false;
        if (value > (UINT64_MAX - digit) / base)
            return false;
        value = value * base + digit;
    }
    *out = value;
    return true;
}

/* ---- bounded text output, always NUL-terminated -------------------------- */

struct text_out text_out_start(char *buf, size_t size)
{
    if (size > 0)
        buf[0] = '\0';
    return (struct text_out){buf, size, 0};
}

static void out_char(struct text_out *out, char c)
{
    if (out->len + 1 >= out->size)
        return; /* full: truncate silently, the terminator is already there */
    out->buf[out->len++] = c;
    out->buf[out->len] = '\0';
}

void out_string(struct text_out *out, const char *s)
{
    while (*s != '\0')
        out_char(out, *s++);
}

static void out_number(struct text_out *out, uint64_t value, unsigned base, size_t min_digits)
{
    char digits[20];
    size_t n = 0;

    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value != 0 || n < min_digits);
    while (n > 0)
        out_char(out, digits[--n]);
}

/* A size in the largest of G, M and K that divides it, or in bytes. */
static void out_size(struct text_out *out, uint64_t bytes)
{
    static const struct {
        uint64_t unit;
        char suffix;
    } units[] = {{GIB, 'G'}, {MIB, 'M'}, {KIB, 'K'}};

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (bytes != 0 && bytes % units[i].unit == 0) {
            out_number(out, bytes / units[i].unit, 10, 1);
            out_char(out, units[i].suffix);
            return;
        }
    }
    out_number(out, bytes, 10, 1);
}

/* Input text, shortened, with anything unprintable shown as '?'. */
static void out_input(struct text_out *out, struct span s)
{
    size_t shown = s.len > CONFIG_QUOTE_LEN ? CONFIG_QUOTE_LEN : s.len;

    for (size_t i = 0; i < shown; i++) {
        char c = s.ptr[i];
        out_char(out, c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (shown < s.len)
        out_string(out, "...");
}

static void out_quoted(struct text_out *out, struct span s)
{
    out_char(out, '\'');
    out_input(out, s);
    out_char(out, '\'');
}

/*
 * A printf for messages, with only what they need: %s (C string), %u
 * (unsigned), %x (unsigned, at least two hex digits), %l (uint64_t), %z
 * (uint64_t bytes, as a size), %t (struct span of input text), %q (the same in quotes) and %%.
 */
static void out_format(struct text_out *out, const char *format, va_list args)
{
    for (const char *f = format; *f != '\0'; f++) {
        if (*f != '%') {
            out_char(out, *f);
            continue;
        }
        switch (*++f) {
        case 's':
            out_string(out, va_arg(args, const char *));
            break;
        case 'u':
            out_number(out, va_arg(args, unsigned), 10, 1);
            break;
        case 'x':
            out_number(out, va_arg(args, unsigned), 16, 2);
            break;
        case 'l':
            out_number(out, va_arg(args, uint64_t), 10, 1);
            break;
        case 'z':
            out_size(out, va_arg(args, uint64_t));
            break;
        case 't':
            out_input(out, va_arg(args, struct span));
            break;
        case 'q':
            out_quoted(out, va_arg(args, struct span));
            break;
        case '%':
            out_char(out, '%');
            break;
        default:
            return; /* a bad format is a bug here; stop rather than run off the end */
        }
    }
}

/* ---- errors ----------------------------------------------------------- */

void config_record_error(struct config_error *error, unsigned line, const char *format,
                         va_list args)
{
    struct text_out out = text_out_start(error->message, CONFIG_MESSAGE_LEN);

    error->line = line;
    out_format(&out, format, args);
}

/* The same for a problem that belongs to an earlier line (config_text.h). */
bool config_fail_at(struct config_error *error, unsigned line, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    config_record_error(error, line, format, args);
    va_end(args);
    return false;
}

void config_text_format(char *buf, size_t size, const char *format, ...)
{
    struct text_out out = text_out_start(buf, size);
    va_list args;

    va_start(args, format);
    out_format(&out, format, args);
    va_end(args);
}

void config_format_error(const struct config_error *error, char *buf, size_t size)
{
    struct text_out out = text_out_start(buf, size);

    out_string(&out, error->file);
    if (error->line != 0) {
        out_char(&out, ':');
        out_number(&out, error->line, 10, 1);
    }
    out_string(&out, ": ");
    out_string(&out, error->message);
}

/* ---- values several keys share ------------------------------------------ */

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

bool span_to_size(struct span s, uint64_t *bytes)
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

/* ---- error records ------------------------------------------------------- */

void config_copy_string(char *dest, size_t size, const char *src)
{
    struct text_out out = text_out_start(dest, size);

    out_string(&out, src);
}

void config_error_start(struct config_error *error, const char *file_name)
{
    config_copy_string(error->file, CONFIG_NAME_LEN, file_name != NULL ? file_name : "(config)");
    error->line = 0;
    error->message[0] = '\0';
}

/* Accepts exactly one of two words; *is_second tells which it was. */
bool parse_one_of_two(struct span value, const char *first, const char *second, bool *is_second)
{
    if (span_equals(value, first))
        *is_second = false;
    else if (span_equals(value, second))
        *is_second = true;
    else
        return false;
    return true;
}

bool parse_yes_no(struct span value, bool *out)
{
    return parse_one_of_two(value, "no", "yes", out);
}

/*
 * A file name the stub can open beside BOOTX64.EFI: printable ASCII (the
 * stub widens it to UCS-2 byte by byte), no spaces, no path separators.
 */
bool parse_file_name(struct span value, char out[CONFIG_NAME_LEN])
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
