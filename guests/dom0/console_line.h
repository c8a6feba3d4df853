/* A partition's console output collected into lines, as dom0's 16550 and
 * virtio console models print them: printable ASCII, any other byte shown
 * as '?', carriage returns dropped; a line is complete at its newline or
 * at MODEL_LINE_MAX characters. */
#ifndef GUESTS_DOM0_CONSOLE_LINE_H
#define GUESTS_DOM0_CONSOLE_LINE_H

#include <stdbool.h>
#include <stdint.h>

#define MODEL_LINE_MAX 120

struct console_line {
    char text[MODEL_LINE_MAX + 1];
    unsigned length;
};

/* Adds a byte; true when that completed the line in line->text (without
 * its newline): the caller prints it, then calls console_line_taken(). */
bool console_line_add(struct console_line *line, uint8_t byte);

/* The completed line was printed: start the next one. */
void console_line_taken(struct console_line *line);

#endif
