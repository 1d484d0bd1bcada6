#!/usr/bin/env python3
"""Quit latency of the interactive view, measured in a real pseudo-terminal.

    benches/quit.py [BENCH_DIR]

Uses target/release/statree (build it first: cargo build --release --locked)
and the fixtures of benches/gen_tree.py under BENCH_DIR (default
/tmp/statree-bench; generated when missing). For each target (the 990,112-entry
tree, the 200,001-entry flat directory) and each way of quitting (`q`,
Ctrl-c, SIGTERM, SIGINT, SIGHUP) it starts statree at 80x24, waits a delay
(0.1 s to 2 s into the scan, so the scan is still running), quits, and times
from the key or signal to the process being reaped. A run still alive after
10 s counts as a hang and is killed. Prints a Markdown table: min, median and
max over the delays, and the number of hangs.
"""
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import fcntl
import time

DELAYS = [0.1, 0.3, 0.6, 1.0, 2.0]
HOWS = ["q", "ctrl-c", "TERM", "INT", "HUP"]
HANG = 10.0


def drain(fd, until):
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def quit_once(binary, root, how, delay):
    """Milliseconds from the quit to the process's end; None for a hang."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["STATREE_CONFIG"] = "/nonexistent/statree-config.toml"
        os.execv(binary, [binary, root])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    drain(fd, time.monotonic() + delay)
    start = time.monotonic()
    if how == "q":
        os.write(fd, b"q")
    elif how == "ctrl-c":
        os.write(fd, b"\x03")
    else:
        os.kill(pid, getattr(signal, "SIG" + how))
    while True:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > HANG:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
            return None
        ready, _, _ = select.select([fd], [], [], 0.001)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
    os.close(fd)
    return (time.monotonic() - start) * 1000


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    bench = sys.argv[1] if len(sys.argv) > 1 else "/tmp/statree-bench"
    binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(repo, "target")),
                          "release", "statree")
    if not os.access(binary, os.X_OK):
        sys.exit(f"no {binary}: run cargo build --release --locked first")
    subprocess.run([sys.executable, os.path.join(here, "gen_tree.py"), bench], check=True)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print()
    print("| target | how | runs | min (ms) | median (ms) | max (ms) | hangs |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for name in ["tree", "flat"]:
        root = os.path.join(bench, name)
        for how in HOWS:
            times = [quit_once(binary, root, how, d) for d in DELAYS]
            done = [t for t in times if t is not None]
            hangs = len(times) - len(done)
            if done:
                cells = f"{min(done):.0f} | {statistics.median(done):.0f} | {max(done):.0f}"
            else:
                cells = "– | – | –"
            print(f"| {name} | {how} | {len(times)} | {cells} | {hangs} |", flush=True)


if __name__ == "__main__":
    main()
