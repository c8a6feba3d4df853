#!/usr/bin/env python3
"""Reads the text off a screenshot of a framebuffer console.

The consoles draw 8x16 glyphs of build/font.bin in two colours
(tools/fbcheck.py). Each cell of the screenshot is read back as the
printable character whose glyph it shows; a cell that shows none reads as
'?'. For scenarios whose machine has no serial console: what the screen
says is the only output.

Usage: tools/fbtext.py SCREENSHOT.ppm FONT.bin
Prints the screen's rows, trailing blanks removed; exit status 0.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbcheck import FOREGROUND, GLYPH_H, GLYPH_W, read_ppm  # noqa: E402

UNKNOWN = "?"


def glyph_table(font):
    """Glyph bitmaps (16 row bytes) of the printable characters, to each character."""
    table = {}
    for code in range(0x20, 0x7f):
        table.setdefault(font[code * GLYPH_H:(code + 1) * GLYPH_H], chr(code))
    return table


def cell_bitmap(pixels, width, row, column):
    rows = bytearray()
    for y in range(GLYPH_H):
        bits = 0
        at = ((row * GLYPH_H + y) * width + column * GLYPH_W) * 3
        for x in range(GLYPH_W):
            if tuple(pixels[at + 3 * x:at + 3 * x + 3]) == FOREGROUND:
                bits |= 0x80 >> x
        rows.append(bits)
    return bytes(rows)


def screen_text(screenshot, font_path):
    """The screen's rows of text."""
    width, height, pixels = read_ppm(screenshot)
    with open(font_path, "rb") as font:
        table = glyph_table(font.read())
    rows = []
    for row in range(height // GLYPH_H):
        cells = [table.get(cell_bitmap(pixels, width, row, column), UNKNOWN)
                 for column in range(width // GLYPH_W)]
        rows.append("".join(cells).rstrip())
    return rows


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("screenshot")
    parser.add_argument("font")
    args = parser.parse_args()
    print("\n".join(screen_text(args.screenshot, args.font)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
