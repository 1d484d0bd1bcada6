#!/usr/bin/env python3
"""A small in-memory FUSE filesystem whose calls can be made to hang.

    slowfs.py MOUNTPOINT DELAY CONTROL

serves, read-only:

    fast/a.txt fast/b.txt   always answer at once
    slowfile                getattr (so lstat, statx) and read wait when armed
    slowlink -> fast/a.txt  readlink waits when armed
    slowdir/x               listing slowdir (readdir) waits when armed

CONTROL is a file outside the mount; each call reads it, and waits DELAY
seconds when it names the call ("getattr", "read", "readlink",
"readdir"). The tests write it to arm a stall at the moment they want one.
Attributes and names are never cached by the kernel (timeouts 0), so every
stat reaches this process. Runs in the foreground, one thread per request,
until it is unmounted or killed.
"""

import errno
import os
import stat
import sys
import time

try:
    import fuse  # fusepy from PyPI
except ImportError:
    import fusepy as fuse  # Debian's python3-fusepy

FILES = {"/fast/a.txt": b"alpha\n", "/fast/b.txt": b"beta\n", "/slowfile": b"slow\n", "/slowdir/x": b"x\n"}
DIRS = {"/": ["fast", "slowfile", "slowlink", "slowdir"], "/fast": ["a.txt", "b.txt"], "/slowdir": ["x"]}
LINKS = {"/slowlink": "fast/a.txt"}
NOW = time.time()


class SlowFs(fuse.Operations):
    def __init__(self, delay, control):
        self.delay = delay
        self.control = control

    def stall(self, op, path):
        try:
            with open(self.control) as f:
                armed = f.read().split()
        except OSError:
            return
        if op in armed and path.startswith("/slow"):
            time.sleep(self.delay)

    def getattr(self, path, fh=None):
        self.stall("getattr", path)
        base = {"st_uid": 0, "st_gid": 0, "st_atime": NOW, "st_mtime": NOW, "st_ctime": NOW}
        if path in DIRS:
            return dict(base, st_mode=stat.S_IFDIR | 0o755, st_nlink=2, st_size=4096)
        if path in FILES:
            return dict(base, st_mode=stat.S_IFREG | 0o644, st_nlink=1, st_size=len(FILES[path]))
        if path in LINKS:
            return dict(base, st_mode=stat.S_IFLNK | 0o777, st_nlink=1, st_size=len(LINKS[path]))
        raise fuse.FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        self.stall("readdir", path)
        if path not in DIRS:
            raise fuse.FuseOSError(errno.ENOTDIR)
        return [".", ".."] + DIRS[path]

    def readlink(self, path):
        self.stall("readlink", path)
        if path not in LINKS:
            raise fuse.FuseOSError(errno.EINVAL)
        return LINKS[path]

    def open(self, path, flags):
        if path not in FILES:
            raise fuse.FuseOSError(errno.ENOENT)
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise fuse.FuseOSError(errno.EROFS)
        return 0

    def read(self, path, size, offset, fh):
        self.stall("read", path)
        return FILES[path][offset : offset + size]


def main():
    mountpoint, delay, control = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    fuse.FUSE(
        SlowFs(delay, control),
        mountpoint,
        foreground=True,
        nothreads=False,
        ro=True,
        fsname="statree-slowfs",
        attr_timeout=0,
        entry_timeout=0,
        negative_timeout=0,
    )


if __name__ == "__main__":
    main()
