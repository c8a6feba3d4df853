#include "guests/lib/console.h"

#include "guests/lib/cpu.h"
#include "hv/format.h"

#include <stdarg.h>

static uint16_t console_port;

void console_init(uint16_t port)
{
    console_port = port;
}

void console_write(const char *text, size_t length)
{
    if (console_port == 0)
        return;
    for (size_t i = 0; i < length; i++)
        outb(console_port, (uint8_t)text[i]);
}

int printf(const char *fmt, ...)
{
    char line[CONSOLE_LINE_MAX];
    va_list args;

    va_start(args, fmt);
    size_t length = format_v(line, sizeof(line), fmt, args);
    va_end(args);
    if (length >= sizeof(line)) {
        /* Cut off: still end the line, or the next one would run into it. */
        length = sizeof(line) - 1;
        line[length - 1] = '\n';
    }
    console_write(line, length);
    return (int)length;
}
