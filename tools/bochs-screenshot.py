#!/usr/bin/env python3
"""Saves the screen of a running Bochs (display_library: x) as a PPM picture.

tools/run.sh --display x runs Bochs's X window on a private virtual X
server. This reads that window with xwd and keeps the emulated screen only:
Bochs draws its button bar above the screen and its status bar below it.
The display is redrawn ten times a second of emulated time, which may be
slower than real time, so the window is read once a second until three
readings in a row agree (at most a minute): then it shows what the
machine drew.

Usage: tools/bochs-screenshot.py --display :N OUT.ppm
Exit status 0 with the picture saved, 1 when the window cannot be read or
never settled.
"""
import argparse
import struct
import subprocess
import sys
import time

WINDOW_NAME = "Bochs x86-64 emulator, http://bochs.sourceforge.net/"
HEADER_BAR = 32  # Bochs's button bar, above the emulated screen
STATUS_BAR = 18  # its status line, below it
SETTLED_READINGS = 3  # a second apart, all the same
WAIT_SECONDS = 60
XWD_HEADER_FIELDS = 25
XWD_COLOUR_ENTRY = 12


def read_window(display):
    """The window as (width, height, rows of 32-bit pixels), or None."""
    result = subprocess.run(["xwd", "-display", display, "-name", WINDOW_NAME, "-nobdrs",
                             "-silent"], capture_output=True, check=False)
    data = result.stdout
    if result.returncode != 0 or len(data) < 4 * XWD_HEADER_FIELDS:
        return None
    header = struct.unpack(">%dI" % XWD_HEADER_FIELDS, data[:4 * XWD_HEADER_FIELDS])
    header_size, width, height = header[0], header[4], header[5]
    byte_order, bits_per_pixel, bytes_per_line, colours = header[7], header[11], header[12], header[19]
    if bits_per_pixel != 32 or byte_order != 0:
        sys.exit("bochs-screenshot: want a 32-bit little-endian X visual, got %d bits, order %d"
                 % (bits_per_pixel, byte_order))
    pixels = data[header_size + colours * XWD_COLOUR_ENTRY:]
    if len(pixels) < bytes_per_line * height:
        return None
    return width, height, [pixels[y * bytes_per_line:y * bytes_per_line + 4 * width]
                           for y in range(height)]


def emulated_screen(window):
    """The rows between the two bars, as RGB bytes (X stores B, G, R, pad)."""
    width, height, rows = window
    screen = bytearray()
    for row in rows[HEADER_BAR:height - STATUS_BAR]:
        rgb = bytearray(3 * width)
        rgb[0::3], rgb[1::3], rgb[2::3] = row[2::4], row[1::4], row[0::4]
        screen += rgb
    return width, height - HEADER_BAR - STATUS_BAR, bytes(screen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--display", required=True)
    parser.add_argument("out")
    args = parser.parse_args()

    # The status line changes every second (it shows the emulation speed):
    # only the screen between the bars has to settle.
    deadline = time.monotonic() + WAIT_SECONDS
    previous, same = None, 0
    while time.monotonic() < deadline:
        window = read_window(args.display)
        screen = emulated_screen(window) if window else None
        same = same + 1 if screen and screen == previous else 0
        if same == SETTLED_READINGS - 1:
            width, height, rgb = screen
            with open(args.out, "wb") as out:
                out.write(b"P6\n%d %d\n255\n" % (width, height) + rgb)
            print("bochs-screenshot: %dx%d screen saved to %s" % (width, height, args.out))
            return 0
        previous = screen
        time.sleep(1)
    print("bochs-screenshot: the Bochs window on %s %s within %g s"
          % (args.display, "never settled" if previous else "could not be read", WAIT_SECONDS),
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
