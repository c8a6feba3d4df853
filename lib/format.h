/* printf-style formatting into a buffer, for the log. Supports %d %i %u %x
 * %X %p %s %c %% with the l/ll/z length modifiers, a width and the 0 flag. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Returns the length written, not counting the terminating NUL (always written
 * when size > 0); output longer than the buffer is cut off. */
size_t format_v(char *buf, size_t size, const char *fmt, va_list args);
size_t format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A text built piece by piece in a fixed buffer (a report, a file). */
struct format_text {
    char *buf;
    size_t size;   /* bytes, including room for the final NUL */
    size_t length; /* written so far, without the NUL */
};

/* Appends to the text; what does not fit is cut off. */
void format_append(struct format_text *text, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
