#!/usr/bin/env python3
"""Types text at a running Bochs (display_library: x) as a keyboard would.

tools/run.sh --display x runs Bochs's X window on a private virtual X
server. This gives that window the input focus and presses and releases
each key through the X server's XTEST extension (libXtst, reached with
ctypes), holding Shift where the character needs it. Bochs turns the X key
events into the PS/2 keyboard's scancodes. Keys are paced, since Bochs reads
X events only now and then, in emulated time, and its keyboard buffer is
short.

Usage: tools/bochs-keyboard.py --display :N TEXT
TEXT is typed as it is: a carriage return or newline is Enter (from a shell,
$'help\r'). Exit status 0 once every key was sent, 1 when the window or the
X server cannot be reached.
"""
import argparse
import ctypes
import re
import subprocess
import sys
import time

WINDOW_NAME = "Bochs x86-64 emulator, http://bochs.sourceforge.net/"
KEY_PAUSE = 0.15  # seconds between two key events
REVERT_TO_PARENT = 2
CURRENT_TIME = 0

# Characters whose X keysym name is not the character itself.
KEYSYM_NAMES = {
    " ": "space", "\r": "Return", "\n": "Return", "\t": "Tab", "\b": "BackSpace",
    "-": "minus", "=": "equal", ",": "comma", ".": "period", "/": "slash",
    ";": "semicolon", "'": "apostrophe", "[": "bracketleft", "]": "bracketright",
    "\\": "backslash", "`": "grave",
}
# What Shift makes of a key on a US keyboard: typed as Shift plus that key.
SHIFTED = dict(zip('!@#$%^&*()_+<>?:"{}|~', "1234567890-=,./;'[]\\`"))


def window_id(display):
    """Bochs's window, as xwininfo finds it by name."""
    result = subprocess.run(["xwininfo", "-display", display, "-name", WINDOW_NAME],
                            capture_output=True, text=True, check=False)
    found = re.search(r"Window id: (0x[0-9a-fA-F]+)", result.stdout)
    return int(found.group(1), 16) if found else None


class Keyboard:
    def __init__(self, display):
        self.x11 = ctypes.CDLL("libX11.so.6")
        self.xtst = ctypes.CDLL("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
                                            ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(display.encode())

    def focus(self, window):
        self.x11.XSetInputFocus(self.display, window, REVERT_TO_PARENT, CURRENT_TIME)
        self.x11.XFlush(self.display)

    def keycode(self, name):
        return self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(name.encode()))

    def event(self, keycode, pressed):
        self.xtst.XTestFakeKeyEvent(self.display, keycode, pressed, CURRENT_TIME)
        self.x11.XFlush(self.display)
        time.sleep(KEY_PAUSE)

    def type(self, char):
        shift = char in SHIFTED or char.isupper()
        base = SHIFTED.get(char, char.lower())
        key = self.keycode(KEYSYM_NAMES.get(base, base))
        if not key:
            sys.exit(f"bochs-keyboard: no key types {char!r}")
        shift_key = self.keycode("Shift_L")
        if shift:
            self.event(shift_key, True)
        self.event(key, True)
        self.event(key, False)
        if shift:
            self.event(shift_key, False)


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--display", required=True)
    parser.add_argument("text")
    args = parser.parse_args()
    text = args.text
    window = window_id(args.display)
    if window is None:
        print(f"bochs-keyboard: no Bochs window on {args.display}", file=sys.stderr)
        return 1
    keyboard = Keyboard(args.display)
    if not keyboard.display:
        print(f"bochs-keyboard: cannot open {args.display}", file=sys.stderr)
        return 1
    keyboard.focus(window)
    for char in text:
        keyboard.type(char)
    return 0


if __name__ == "__main__":
    sys.exit(main())
