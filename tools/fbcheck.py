#!/usr/bin/env python3
"""Checks a screenshot of the framebuffer console against the serial log.

The hypervisor mirrors every log line on the framebuffer from its first line
on. This renders the lines the core printed on the serial console with the
same 8x16 font and colours, and compares the screenshot pixel by pixel.
With --console, the screen is dom0's: it shows everything the serial
console printed from the core's first line on (the log, dom0's prompt and
what was typed), up to the moment of the screenshot, so every line of the
log counts, the last unfinished one too.

Usage: tools/fbcheck.py [--console] SCREENSHOT.ppm FONT.bin SERIAL.log
Exit status 0 when every text row matches, 1 otherwise (the first mismatch
is named).
"""
import argparse
import re
import sys

GLYPH_W, GLYPH_H = 8, 16
FOREGROUND = (0xD0, 0xD0, 0xD0)
BACKGROUND = (0x10, 0x18, 0x30)
FIRST_CORE_LINE = "bulkhead: core started:"


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        sys.exit("fbcheck: %s is not an 8-bit P6 PPM" % path)
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:]


def rub_out(line):
    """A backspace moves the cursor back: what follows overwrites."""
    cells, column = [], 0
    for ch in line:
        if ch == "\b":
            column = max(column - 1, 0)
            continue
        if column < len(cells):
            cells[column] = ch
        else:
            cells.append(ch)
        column += 1
    return "".join(cells)


def core_lines(log_path, whole_console):
    text = open(log_path, "rb").read().decode("latin-1")
    text = re.sub(r"\x1b\[[0-9;?=]*[A-Za-z]", "", text).replace("\r", "")
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(FIRST_CORE_LINE)]
    if not starts:
        sys.exit("fbcheck: the serial log has no '%s' line" % FIRST_CORE_LINE)
    if whole_console:
        return [rub_out(line) for line in lines[starts[-1]:]]
    # Every core line ends with a newline: the cursor waits on an empty row.
    return [line for line in lines[starts[-1]:] if line.startswith("bulkhead: ")] + [""]


def screen_rows(lines, columns, rows):
    """The text rows the console shows: long lines wrap, old rows scroll off."""
    out = []
    for line in lines:
        while len(line) > columns:
            out.append(line[:columns])
            line = line[columns:]
        out.append(line)
    return out[-rows:]


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--console", action="store_true")
    parser.add_argument("screenshot")
    parser.add_argument("font")
    parser.add_argument("log")
    args = parser.parse_args()
    width, height, pixels = read_ppm(args.screenshot)
    font = open(args.font, "rb").read()
    columns, rows = width // GLYPH_W, height // GLYPH_H
    expected = screen_rows(core_lines(args.log, args.console), columns, rows)

    for row, text in enumerate(expected):
        for col in range(columns):
            ch = ord(text[col]) if col < len(text) else ord(" ")
            glyph = font[ch * GLYPH_H:(ch + 1) * GLYPH_H]
            for y in range(GLYPH_H):
                for x in range(GLYPH_W):
                    want = FOREGROUND if glyph[y] & (0x80 >> x) else BACKGROUND
                    at = ((row * GLYPH_H + y) * width + col * GLYPH_W + x) * 3
                    have = tuple(pixels[at:at + 3])
                    if have != want:
                        print("fbcheck: row %d column %d ('%s') differs at pixel (%d,%d): "
                              "%s, expected %s" % (row, col, text[col:col + 1],
                                                   col * GLYPH_W + x, row * GLYPH_H + y,
                                                   have, want))
                        return 1
    print("fbcheck: %d text rows match the serial log (%dx%d pixels, %dx%d cells)"
          % (len(expected), width, height, columns, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
