#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct spec {
    unsigned width;
    bool zero_pad;
    int length; /* 0 int, 1 long, 2 long long, 3 size_t */
};

static void put_number(struct out *o, uint64_t value, unsigned base, bool negative, bool upper,
                       const struct spec *s)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    unsigned n = 0;

    do {
        tmp[n++] = digits[value % base];
        value /= base;
    } while (value);
    unsigned total = n + (negative ? 1 : 0);
    if (negative && s->zero_pad)
        put(o, '-');
    for (; total < s->width; total++)
        put(o, s->zero_pad ? '0' : ' ');
    if (negative && !s->zero_pad)
        put(o, '-');
    while (n)
        put(o, tmp[--n]);
}

static uint64_t fetch_unsigned(va_list *args, int length)
{
    switch (length) {
    case 0:
        return va_arg(*args, unsigned int);
    case 1:
        return va_arg(*args, unsigned long);
    case 2:
        return va_arg(*args, unsigned long long);
    default:
        return va_arg(*args, size_t);
    }
}

static int64_t fetch_signed(va_list *args, int length)
{
    switch (length) {
    case 0:
        return va_arg(*args, int);
    case 1:
        return va_arg(*args, long);
    case 2:
        return va_arg(*args, long long);
    default:
        return (int64_t)va_arg(*args, size_t);
    }
}

static const char *parse_spec(const char *p, struct spec *s)
{
    s->width = 0;
    s->zero_pad = false;
    s->length = 0;
    if (*p == '0') {
        s->zero_pad = true;
        p++;
    }
    while (*p >= '0' && *p <= '9')
        s->width = s->width * 10 + (unsigned)(*p++ - '0');
    if (*p == 'z') {
        s->length = 3;
        p++;
    }
    while (*p == 'l' && s->length < 2) {
        s->length++;
        p++;
    }
    return p;
}

static void put_string(struct out *o, const char *str, const struct spec *s)
{
    size_t len = 0;

    if (!str)
        str = "(null)";
    while (str[len])
        len++;
    for (size_t pad = len; pad < s->width; pad++)
        put(o, ' ');
    while (*str)
        put(o, *str++);
}

static void put_conversion(struct out *o, char c, const struct spec *s, va_list *args)
{
    int64_t v;
    struct spec pointer = {16, true, 1};

    switch (c) {
    case 'd':
    case 'i':
        v = fetch_signed(args, s->length);
        put_number(o, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, v < 0, false, s);
        break;
    case 'u':
        put_number(o, fetch_unsigned(args, s->length), 10, false, false, s);
        break;
    case 'x':
    case 'X':
        put_number(o, fetch_unsigned(args, s->length), 16, false, c == 'X', s);
        break;
    case 'p':
        put(o, '0');
        put(o, 'x');
        put_number(o, (uint64_t)(uintptr_t)va_arg(*args, void *), 16, false, false, &pointer);
        break;
    case 's':
        put_string(o, va_arg(*args, const char *), s);
        break;
    case 'c':
        put(o, (char)va_arg(*args, int));
        break;
    default:
        put(o, '%');
        put(o, c);
        break;
    }
}

size_t format_v(char *buf, size_t size, const char *fmt, va_list args)
{
    struct out o = {buf, size, 0};
    struct spec s;
    va_list ap;

    va_copy(ap, args);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p = parse_spec(p + 1, &s);
        if (!*p)
            break;
        if (*p == '%')
            put(&o, '%');
        else
            put_conversion(&o, *p, &s, &ap);
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len < size ? o.len : (size ? size - 1 : 0);
}

size_t format(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    size_t n = format_v(buf, size, fmt, args);
    va_end(args);
    return n;
}

void format_append(struct format_text *text, const char *fmt, ...)
{
    va_list args;

    if (text->length >= text->size)
        return;
    va_start(args, fmt);
    text->length += format_v(text->buf + text->length, text->size - text->length, fmt, args);
    va_end(args);
}
