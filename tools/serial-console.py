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
            if verb not in ("expect", "send", "screenshot") or not text:
                print(f"serial-console: {where}: want 'expect TEXT', 'send TEXT' or "
                      f"'screenshot FILE'", file=sys.stderr)
                sys.exit(3)
            steps.append((verb, unescape(text, where)))
    return steps


class Console:
    def __init__(self, connection, log, steps, screenshot_command):
        self.connection = connection
        self.log = log
        self.steps = steps
        self.screenshot_command = screenshot_command
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
            what = "the screen was saved to" if verb == "screenshot" else "the console showed"
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
        console = Console(connection, log, steps, args.screenshot_command)

        def stopped(signum, _frame):  # the runner gave up: no screenshot outlives it
            console.stop_screenshot()
            sys.exit(128 + signum)

        signal.signal(signal.SIGTERM, stopped)
        return console.run()


if __name__ == "__main__":
    sys.exit(main())
