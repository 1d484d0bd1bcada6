#!/usr/bin/env python3
"""How soon the interactive view shows what changed behind its back.

    python3 benches/fresh.py [BINARY] [ROUNDS]

Builds a fixture in a temporary directory: `big/` with 10,000 files and
`cold/` with a few, both collapsed on screen. Runs BINARY (default
target/release/statree) on the fixture, given as a relative path, in an
80x24 pseudo-terminal parsed by the pyte terminal emulator, and measures:

* opening a changed directory: while `big/` is collapsed, two of its files
  are removed and `aaa-new` is created; then `l` is pressed on it and the
  time runs until the screen shows `aaa-new` as its first row (the re-list on
  opening, reconciled into the model);
* a directory written into behind the view's back: `pop/` is created in the
  open root and 2,000 files of 1 KiB are written into it; the time runs from
  the last write until `pop`'s row shows the new size (the watcher sees pop
  appear and reads what it has then; the once-a-second check of the
  collapsed directories on screen finds pop changed and re-reads it). The
  same inside the collapsed `cold/` (`cold/pop/`), until `cold`'s row shows
  it.

Each measure is repeated ROUNDS times (default 5) on a fresh run. Needs the
Python package pyte.
"""
import os
import pty
import select
import shutil
import statistics
import struct
import sys
import tempfile
import termios
import fcntl
import time

import pyte

COLS, ROWS = 80, 24


class Session:
    def __init__(self, binary, cwd, root):
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.chdir(cwd)
                os.environ["TERM"] = "xterm-256color"
                os.environ["STATREE_CONFIG"] = "/nonexistent/statree-config.toml"
                os.execv(binary, [binary, root])
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))

    def pump(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                self.stream.feed(os.read(self.fd, 1 << 16))
            except OSError:
                pass

    def wait_for(self, predicate, limit):
        start = time.monotonic()
        while time.monotonic() - start < limit:
            if predicate(self.screen.display):
                return time.monotonic() - start
            self.pump(0.001)
        return None

    def key(self, data):
        os.write(self.fd, data)

    def close(self):
        self.key(b"q")
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def row(display, name):
    return next((line for line in display if f" {name} " in line or line.rstrip().endswith(name)), "")


def fixture(base):
    top = os.path.join(base, "top")
    os.makedirs(os.path.join(top, "big"))
    os.makedirs(os.path.join(top, "cold"))
    for i in range(10_000):
        open(os.path.join(top, "big", f"f{i:05d}"), "w").close()
    for i in range(3):
        with open(os.path.join(top, "cold", f"c{i}"), "w") as f:
            f.write("cold")
    return top


def open_changed(binary, base):
    session = Session(binary, base, "top")
    session.wait_for(lambda d: "big" in "".join(d) and "scanned" in d[-1], 10)
    os.unlink(os.path.join(base, "top", "big", "f00000"))
    os.unlink(os.path.join(base, "top", "big", "f00001"))
    open(os.path.join(base, "top", "big", "aaa-new"), "w").close()
    session.key(b"j")  # onto big (the first child: sorted by name)
    session.wait_for(lambda d: d[-1].rstrip().endswith("2/3"), 2)
    start = time.monotonic()
    session.key(b"l")
    seen = session.wait_for(lambda d: "aaa-new" in d[3], 5)
    took = None if seen is None else time.monotonic() - start
    session.close()
    os.unlink(os.path.join(base, "top", "big", "aaa-new"))
    for name in ["f00000", "f00001"]:
        open(os.path.join(base, "top", "big", name), "w").close()
    return took


def written_behind(binary, base, rel, watch_row):
    """Creates `rel` and writes 2,000 files of 1 KiB into it; the time runs
    from the last write until the row `watch_row` shows all of it (2.0 MiB)."""
    session = Session(binary, base, "top")
    session.wait_for(lambda d: "cold" in "".join(d) and "scanned" in d[-1], 10)
    target = os.path.join(base, "top", rel)
    os.mkdir(target)
    for i in range(2000):
        with open(os.path.join(target, f"x{i}"), "wb") as f:
            f.write(b"a" * 1024)
    start = time.monotonic()
    seen = session.wait_for(lambda d: "2.0 MiB" in row(d, watch_row), 5)
    took = None if seen is None else time.monotonic() - start
    session.close()
    shutil.rmtree(target)
    return took


def report(name, samples):
    done = [s * 1000 for s in samples if s is not None]
    missed = len(samples) - len(done)
    if not done:
        return f"{name}: never seen ({missed} runs)"
    return (f"{name}: {len(done)} runs, median {statistics.median(done):.0f} ms, "
            f"min {min(done):.0f} ms, max {max(done):.0f} ms, not seen within 5 s: {missed}")


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(
        repo, "target/release/statree")
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    base = tempfile.mkdtemp(prefix="statree-fresh-")
    try:
        fixture(base)
        opened = [open_changed(binary, base) for _ in range(rounds)]
        beside = [written_behind(binary, base, "pop", "pop") for _ in range(rounds)]
        inside = [written_behind(binary, base, "cold/pop", "cold") for _ in range(rounds)]
    finally:
        shutil.rmtree(base)
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(report("opening a changed 10,000-entry directory, key to rows", opened))
    print(report("pop/ created in an open directory, 2,000 files written, last write to pop's row",
                 beside))
    print(report("the same inside collapsed cold/, last write to cold's row", inside))


if __name__ == "__main__":
    main()
