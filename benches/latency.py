#!/usr/bin/env python3
"""First-frame time and key latency of the interactive view during a scan.

    python3 benches/latency.py [TREE] [BINARY]

Runs BINARY (default target/release/statree) on TREE (default the benchmark
tree, /tmp/statree-bench/tree) in a pseudo-terminal of 120x40 and parses its
output with the pyte terminal emulator. Measures:

* first frame: from fork to the first complete status bar on screen;
* key latency while the scan runs: presses `j` every 120 ms and measures,
  for each press made while the status bar still says "scanning", the time
  until the screen shows the selection moved (the "N/M" row counter);
* the same after the scan finished.

Needs the Python package pyte.
"""
import os
import pty
import re
import select
import statistics
import struct
import sys
import termios
import fcntl
import time

import pyte

COLS, ROWS = 120, 40


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tree = sys.argv[1] if len(sys.argv) > 1 else "/tmp/statree-bench/tree"
    binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "target/release/statree")
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, tree])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))

    def pump(timeout):
        ready, _, _ = select.select([fd], [], [], timeout)
        if ready:
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                return False
            stream.feed(data)
            return True
        return False

    def status():
        return screen.display[-1]

    first_frame = None
    while time.monotonic() - started < 10:
        pump(0.005)
        if "entries" in status():
            first_frame = time.monotonic() - started
            break

    during, after = [], []
    counter = re.compile(r"(\d[\d,]*)/\d")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(after) < 10:
        line = status()
        match = counter.search(line)
        before = match.group(1) if match else None
        scanning = "scanning" in line
        pressed = time.monotonic()
        os.write(fd, b"j")
        while time.monotonic() - pressed < 2:
            pump(0.001)
            match = counter.search(status())
            if match and match.group(1) != before:
                (during if scanning else after).append(time.monotonic() - pressed)
                break
        end = time.monotonic() + 0.12
        while time.monotonic() < end:
            pump(0.01)
        if before and before.replace(",", "") == "40":
            os.write(fd, b"g")
    os.write(fd, b"q")
    os.waitpid(pid, 0)

    def summary(name, samples):
        if not samples:
            return f"{name}: no samples"
        ms = sorted(s * 1000 for s in samples)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        return (f"{name}: {len(ms)} presses, median {statistics.median(ms):.1f} ms, "
                f"p95 {p95:.1f} ms, max {ms[-1]:.1f} ms")

    print(f"tree: {tree}")
    print(f"first frame: {first_frame * 1000:.1f} ms" if first_frame else "first frame: not seen")
    print(summary("key latency during the scan", during))
    print(summary("key latency after the scan", after))


if __name__ == "__main__":
    main()
