#include "guests/dom0/console_line.h"

bool console_line_add(struct console_line *line, uint8_t byte)
{
    if (byte == '\r')
        return false;
    if (byte != '\n')
        line->text[line->length++] = (byte >= 0x20 && byte < 0x7f) ? (char)byte : '?';
    if (byte != '\n' && line->length < MODEL_LINE_MAX)
        return false;
    line->text[line->length] = '\0';
    return true;
}

void console_line_taken(struct console_line *line)
{
    line->length = 0;
}
