#!/usr/bin/env python3
"""The serial console of an emulated machine, typed at by a script.

Listens on a free TCP port of 127.0.0.1 (written to --port-file) for the
emulator's serial port (Bochs: com1 mode=socket-client; QEMU: -serial
tcp:...), appends everything the machine prints to --log, and works through
the script: one step a line,

    expect TEXT   wait until the console has printed TEXT since the last match
    send TEXT     type TEXT, a byte at a time, as an operator would
    screenshot FILE
                  save the machine's screen to FILE with --screenshot-command
                  (tools/run.sh --display x gives it), and what the console
                  has printed so far to FILE.console
    key TEXT      type TEXT at the machine's own keyboard with
                  --keyboard-command (tools/run.sh --display x gives it)
    screen TEXT   wait until the screen shows TEXT: screenshots are read
                  with the console font (--font, tools/fbtext.py) until one
                  does; for machines whose console is their screen

with \\r, \\n, \\t, \\\\ and \\xHH escapes in TEXT ("send list\\r",
"send \\x1d" for Ctrl-]); empty lines and lines starting with # are skipped.
It ends when the emulator closes the connection; exit status 1 if the
script had not been worked through by then or a screenshot failed, 3 on a
bad script.
"""
import argparse
import os
import select
import shlex
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fbtext  # noqa: E402

TYPING_PAUSE = 0.002  # between two typed bytes, so no receive FIFO overruns


def unescape(text, where):
    try:
        return text.encode("latin-1").decode("unicode_escape").encode("latin-1")
    except (UnicodeDecodeError, UnicodeEncodeError) as error:
        sys.exit(f"serial-console: {where}: bad escape in '{text}': {error}")


def read_script(path):
    steps = []
    with open(path, encoding="utf-8") as script:
        for number, line in enumerate(script, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            verb, _, text = line.partition(" ")
            where = f"{path}:{number}"
            if verb not in ("expect", "send", "screenshot", "key", "screen") or not text:
                print(f"serial-console: {where}: want 'expect TEXT', 'send TEXT', "
                      f"'screenshot FILE', 'key TEXT' or 'screen TEXT'", file=sys.stderr)
                sys.exit(3)
            steps.append((verb, unescape(text, where)))
    return steps


class Console:
    def __init__(self, connection, log, steps, args):
        self.connection = connection
        self.log = log
        self.steps = steps
        self.screenshot_command = args.screenshot_command
        self.keyboard_command = args.keyboard_command
        self.font = args.font
        self.screen_file = args.port_file + ".screen.ppm"
        self.next_step = 0
        self.unmatched = b""  # output since the last match
        self.printed = b""  # all the output
        self.failed = False
        self.screenshot = None  # the screenshot being taken

    def type(self, data):
        for byte in data:
            self.connection.sendall(bytes([byte]))
            time.sleep(TYPING_PAUSE)

    def start_screenshot(self, path):
        """The screen is read while the console goes on being read."""
        if not self.screenshot_command:
            print("serial-console: 'screenshot' needs --screenshot-command", file=sys.stderr)
            return None
        try:
            return subprocess.Popen(shlex.split(self.screenshot_command) + [path])
        except OSError as error:
            print(f"serial-console: cannot run {self.screenshot_command}: {error}", file=sys.stderr)
            return None

    def screenshot_taken(self, path):
        """Whether the screenshot step is over. The console's output it is to
        be compared with is what came until the screen had settled."""
        if self.screenshot is None:
            self.screenshot = self.start_screenshot(path)
        if self.screenshot is not None and self.screenshot.poll() is None:
            return False
        with open(path + ".console", "wb") as console:
            console.write(self.printed)
        if self.screenshot is None or self.screenshot.returncode != 0:
            print(f"serial-console: the screenshot to {path} failed", file=sys.stderr)
            self.failed = True
        self.screenshot = None
        return True

    def press_keys(self, text):
        """Types at the machine's keyboard; the console waits meanwhile."""
        if not self.keyboard_command:
            print("serial-console: 'key' needs --keyboard-command", file=sys.stderr)
            self.failed = True
            return
        command = shlex.split(self.keyboard_command) + [text.decode("latin-1")]
        if subprocess.run(command, check=False).returncode != 0:
            print(f"serial-console: typing {text!r} at the keyboard failed", file=sys.stderr)
            self.failed = True

    def screen_shows(self, text):
        """Whether the screen step is over: one screenshot after another is
        read until one shows text, or the screen cannot be read."""
        if not self.font:
            print("serial-console: 'screen' needs --font", file=sys.stderr)
            self.failed = True
            return True
        if self.screenshot is None:
            self.screenshot = self.start_screenshot(self.screen_file)
            if self.screenshot is None:
                self.failed = True
                return True
        if self.screenshot.poll() is None:
            return False
        taken = self.screenshot.returncode == 0
        self.screenshot = None
        if not taken:
            print("serial-console: the screen could not be read", file=sys.stderr)
            self.failed = True
            return True
        rows = fbtext.screen_text(self.screen_file, self.font)
        return text.decode("latin-1") in "\n".join(rows)

    def stop_screenshot(self):
        if self.screenshot is not None:
            self.screenshot.kill()
            self.screenshot.wait()
            self.screenshot = None

    def advance(self):
        """Sends, matches and takes screenshots as far as the output so far allows."""
        while self.next_step < len(self.steps):
            verb, text = self.steps[self.next_step]
            if verb == "send":
                self.type(text)
            elif verb == "key":
                self.press_keys(text)
            elif verb == "screen":
                if not self.screen_shows(text):
                    return
            elif verb == "screenshot":
                if not self.screenshot_taken(text.decode("latin-1")):
                    return
            else:
                found = self.unmatched.find(text)
                if found < 0:
                    return
                self.unmatched = self.unmatched[found + len(text):]
            self.next_step += 1

    def run(self):
        self.advance()
        while True:
            # Woken now and then without output, to see whether a screenshot is done.
            readable, _, _ = select.select([self.connection], [], [], 0.2)
            if not readable:
                self.advance()
                continue
            try:
                data = self.connection.recv(4096)
            except ConnectionResetError:  # an emulator that exits may reset it
                data = b""
            if not data:
                break
            self.log.write(data)
            self.log.flush()
            self.unmatched += data
            self.printed += data
            self.advance()
        self.stop_screenshot()
        if self.next_step < len(self.steps):
            verb, text = self.steps[self.next_step]
            what = {"screenshot": "the screen was saved to",
                    "screen": "the screen showed"}.get(verb, "the console showed")
            print(f"serial-console: the machine ended before {what} "
                  f"{text.decode('latin-1')!r}", file=sys.stderr)
            return 1
        return 1 if self.failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--screenshot-command", default="",
                        help="a command that saves the screen to the file named after it")
    parser.add_argument("--keyboard-command", default="",
                        help="a command that types the text named after it at the keyboard")
    parser.add_argument("--font", default="", help="the console font, to read the screen")
    args = parser.parse_args()
    steps = read_script(args.script)

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with open(args.port_file + ".tmp", "w", encoding="ascii") as port_file:
        port_file.write(f"{server.getsockname()[1]}\n")
    # Renamed into place, so the reader never sees half a number.
    os.replace(args.port_file + ".tmp", args.port_file)
    connection, _ = server.accept()
    server.close()
    with open(args.log, "ab") as log:
        console = Console(connection, log, steps, args)

        def stopped(signum, _frame):  # the runner gave up: no screenshot outlives it
            console.stop_screenshot()
            sys.exit(128 + signum)

        signal.signal(signal.SIGTERM, stopped)
        return console.run()


if __name__ == "__main__":
    sys.exit(main())
