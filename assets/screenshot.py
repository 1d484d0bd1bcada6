#!/usr/bin/env python3
"""Renders assets/screenshot.png from a real run of statree.

    python3 assets/screenshot.py [--size COLSxROWS] [--out FILE] [PATH] [KEYS...]

Starts `target/release/statree PATH` (default /usr) in a detached tmux
session (default 120x34; `--size 80x24 --out screenshot-80x24.png` makes the
small-terminal picture), sends the given tmux keys (default: move down a few
entries and expand one), captures the pane with its colours
(`tmux capture-pane -e`), replays the capture through the pyte terminal
emulator and draws the cells with DejaVu Sans Mono into a PNG.
Needs tmux and the Python packages pillow and pyte.
"""
import os
import subprocess
import sys
import time

import pyte
from PIL import Image, ImageDraw, ImageFont

COLS, ROWS = 120, 34
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 15
BG, FG = (30, 30, 36), (220, 220, 220)
NAMED = {
    "black": (40, 40, 48), "red": (224, 108, 117), "green": (152, 195, 121),
    "brown": (229, 192, 123), "yellow": (229, 192, 123), "blue": (97, 175, 239),
    "magenta": (198, 120, 221), "cyan": (86, 182, 194), "white": (220, 220, 220),
    "brightblack": (92, 99, 112), "brightred": (240, 120, 130), "brightgreen": (170, 215, 140),
    "brightyellow": (240, 210, 140), "brightblue": (120, 190, 250), "brightmagenta": (215, 140, 235),
    "brightcyan": (110, 200, 210), "brightwhite": (255, 255, 255),
}


def color(value, default):
    if value == "default":
        return default
    if value in NAMED:
        return NAMED[value]
    if len(value) == 6:
        try:
            return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            pass
    return default


def capture(path, keys, cols, rows):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.join(root, "target", "release", "statree")
    session = "statree-shot"
    subprocess.run(["tmux", "kill-session", "-t", session], stderr=subprocess.DEVNULL)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(cols), "-y", str(rows),
                    f"env TERM=xterm-256color {binary} {path}"], check=True)
    time.sleep(1.0)
    for key in keys:
        subprocess.run(["tmux", "send-keys", "-t", session, key], check=True)
        time.sleep(0.15)
    time.sleep(0.5)
    out = subprocess.run(["tmux", "capture-pane", "-e", "-p", "-t", session],
                         check=True, capture_output=True).stdout
    subprocess.run(["tmux", "send-keys", "-t", session, "q"])
    time.sleep(0.3)
    subprocess.run(["tmux", "kill-session", "-t", session], stderr=subprocess.DEVNULL)
    return out.decode("utf-8", "replace")


def render(text, target, cols, rows):
    screen = pyte.Screen(cols, rows)
    stream = pyte.Stream(screen)
    # The capture ends with a newline, which would scroll the first line away.
    stream.feed(text.rstrip("\n").replace("\n", "\r\n"))
    font = ImageFont.truetype(FONT, SIZE)
    bold = ImageFont.truetype(BOLD, SIZE)
    cell_w = int(font.getlength("M"))
    cell_h = SIZE + 4
    image = Image.new("RGB", (cell_w * cols + 16, cell_h * rows + 16), BG)
    draw = ImageDraw.Draw(image)
    for y in range(rows):
        line = screen.buffer[y]
        for x in range(cols):
            cell = line[x]
            fg, bg = color(cell.fg, FG), color(cell.bg, BG)
            if cell.reverse:
                fg, bg = bg, fg
            left, top = 8 + x * cell_w, 8 + y * cell_h
            if bg != BG:
                draw.rectangle([left, top, left + cell_w - 1, top + cell_h - 1], fill=bg)
            if cell.data.strip():
                draw.text((left, top + 1), cell.data, font=bold if cell.bold else font, fill=fg)
    image.save(target)


def main():
    args = sys.argv[1:]
    cols, rows, name = COLS, ROWS, "screenshot.png"
    while args and args[0] in ("--size", "--out"):
        flag, value, args = args[0], args[1], args[2:]
        if flag == "--size":
            cols, rows = (int(n) for n in value.split("x"))
        else:
            name = value
    path = args[0] if args else "/usr"
    keys = args[1:] or ["j", "j", "j", "Enter", "j", "j"]
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    render(capture(path, keys, cols, rows), target, cols, rows)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
