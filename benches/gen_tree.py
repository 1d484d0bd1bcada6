#!/usr/bin/env python3
"""Generate the statree benchmark fixtures (idempotent).

    benches/gen_tree.py BENCH_DIR

creates, under BENCH_DIR:

  tree/  the reference tree: fan-out 13, depth 4, 31 small files in every
         directory (root included):
           dirs    = 1 + 13 + 169 + 2197 + 28561 = 30941
           files   = 30941 * 31                  = 959171
           entries = dirs + files                = 990112  (what `find tree | wc -l` prints)
  flat/  one directory holding 200,000 empty files (200,001 entries).

Each fixture is built in a temporary sibling directory and renamed into place
only when complete; a marker file *outside* the fixture (tree.done, flat.done)
records the parameters it was built with. With the marker present and
matching, the fixture is left alone, so reruns cost nothing. A fixture without
a matching marker (an interrupted run, changed parameters) is removed and
rebuilt.

Fast path: every file is created with os.open(name, ..., dir_fd=parent) /
os.write / os.close, and the 13 top-level subtrees are built by a pool of
worker processes (one per CPU).
"""

import os
import shutil
import sys
from multiprocessing import Pool

FANOUT = 13
DEPTH = 4
FILES_PER_DIR = 31
FLAT_FILES = 200_000
CONTENT = b"statree\n"  # a few bytes per file

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY
FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL
FILE_NAMES = [f"f{i:02d}" for i in range(FILES_PER_DIR)]
DIR_NAMES = [f"d{i:02d}" for i in range(FANOUT)]


def expected_tree():
    dirs = sum(FANOUT**level for level in range(DEPTH + 1))
    files = dirs * FILES_PER_DIR
    return dirs, files, dirs + files


TREE_PARAMS = (
    f"fanout={FANOUT} depth={DEPTH} files_per_dir={FILES_PER_DIR} "
    f"content_bytes={len(CONTENT)} entries={expected_tree()[2]}\n"
)
FLAT_PARAMS = f"flat_files={FLAT_FILES} content_bytes=0 entries={FLAT_FILES + 1}\n"


def fill_dir(dfd, content):
    """Creates the small files of one directory (given as an open fd)."""
    for name in FILE_NAMES:
        fd = os.open(name, FILE_FLAGS, 0o644, dir_fd=dfd)
        if content:
            os.write(fd, content)
        os.close(fd)


def build_subtree(dfd, levels_below):
    """Fills directory `dfd` and, if levels_below > 0, its FANOUT subdirs recursively."""
    fill_dir(dfd, CONTENT)
    if levels_below == 0:
        return
    for name in DIR_NAMES:
        os.mkdir(name, 0o755, dir_fd=dfd)
        child = os.open(name, DIR_FLAGS, dir_fd=dfd)
        try:
            build_subtree(child, levels_below - 1)
        finally:
            os.close(child)


def build_top_child(path):
    """Worker: builds one depth-1 subtree (already mkdir'ed) rooted at `path`."""
    dfd = os.open(path, DIR_FLAGS)
    try:
        build_subtree(dfd, DEPTH - 1)
    finally:
        os.close(dfd)
    return path


def make_tree(tmp):
    os.mkdir(tmp, 0o755)
    root = os.open(tmp, DIR_FLAGS)
    try:
        fill_dir(root, CONTENT)
        for name in DIR_NAMES:
            os.mkdir(name, 0o755, dir_fd=root)
    finally:
        os.close(root)
    tops = [os.path.join(tmp, name) for name in DIR_NAMES]
    with Pool(processes=min(len(tops), os.cpu_count() or 1)) as pool:
        for done in pool.imap_unordered(build_top_child, tops):
            print(f"gen_tree:   built {done}", file=sys.stderr, flush=True)


def make_flat(tmp):
    os.mkdir(tmp, 0o755)
    dfd = os.open(tmp, DIR_FLAGS)
    try:
        for i in range(FLAT_FILES):
            os.close(os.open(f"e{i:06d}", FILE_FLAGS, 0o644, dir_fd=dfd))
    finally:
        os.close(dfd)


def count_entries(path):
    """Counts entries the way `find path | wc -l` does (the root included)."""
    n = 1
    stack = [path]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                n += 1
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
    return n


def ensure(bench_dir, name, params, builder, expected):
    target = os.path.join(bench_dir, name)
    marker = os.path.join(bench_dir, name + ".done")
    try:
        with open(marker) as f:
            if f.read() == params and os.path.isdir(target):
                print(f"gen_tree: {target} cached ({marker})", file=sys.stderr)
                return
    except FileNotFoundError:
        pass
    # Missing or stale: start from scratch.
    if os.path.lexists(marker):
        os.unlink(marker)
    for stale in (target, target + ".tmp"):
        if os.path.lexists(stale):
            print(f"gen_tree: removing stale {stale}", file=sys.stderr, flush=True)
            shutil.rmtree(stale)
    tmp = target + ".tmp"
    print(f"gen_tree: generating {target} ({params.strip()})", file=sys.stderr, flush=True)
    builder(tmp)
    got = count_entries(tmp)
    if got != expected:
        sys.exit(f"gen_tree: {tmp} has {got} entries, expected {expected}")
    os.rename(tmp, target)
    with open(marker, "w") as f:
        f.write(params)
    print(f"gen_tree: {target} done, {got} entries", file=sys.stderr, flush=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_tree.py BENCH_DIR")
    bench_dir = os.path.abspath(sys.argv[1])
    os.makedirs(bench_dir, exist_ok=True)
    ensure(bench_dir, "tree", TREE_PARAMS, make_tree, expected_tree()[2])
    ensure(bench_dir, "flat", FLAT_PARAMS, make_flat, FLAT_FILES + 1)


if __name__ == "__main__":
    main()
