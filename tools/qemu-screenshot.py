#!/usr/bin/env python3
"""Saves QEMU's screen once the guest has powered the machine off, then quits.

QEMU runs with -no-shutdown, so an ACPI power-off pauses it with the last
picture still in the framebuffer. This waits for that state on the monitor
socket, asks for a screendump and ends QEMU.

Usage: tools/qemu-screenshot.py MONITOR_SOCKET SCREENSHOT.ppm
"""
import os
import socket
import sys
import time


def connect(path):
    for _ in range(600):
        try:
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(path)
            return sock
        except OSError:
            time.sleep(0.1)
    sys.exit("qemu-screenshot: no monitor at %s" % path)


def command(sock, text):
    sock.sendall(text.encode() + b"\n")
    time.sleep(0.3)
    sock.settimeout(1.0)
    reply = b""
    try:
        while not reply.rstrip().endswith(b"(qemu)"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    except socket.timeout:
        pass
    return reply.decode("latin-1")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sock = connect(sys.argv[1])
    while "shutdown" not in command(sock, "info status"):
        time.sleep(0.5)
    command(sock, "screendump " + os.path.abspath(sys.argv[2]))
    for _ in range(50):
        if os.path.exists(sys.argv[2]):
            break
        time.sleep(0.1)
    # Stay until QEMU closes the monitor: it quits only after reading this.
    try:
        sock.sendall(b"quit\n")
        sock.settimeout(10.0)
        while sock.recv(65536):
            pass
    except OSError:
        pass


if __name__ == "__main__":
    main()
