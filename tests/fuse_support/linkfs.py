#!/usr/bin/env python3
"""A small writable in-memory FUSE filesystem without stable inode numbers.

    linkfs.py MOUNTPOINT

serves one flat directory of regular files (created with `f.txt` holding
"first\\n") and supports create, write, link, unlink and a plain rename.
It runs on fusepy's high-level interface without `use_ino`, as many FUSE
filesystems do: the inode numbers are the ones libfuse hands out per name,
so a second name made by link(2) reports another inode number than the
first, and libfuse 2 takes no rename flags, so `RENAME_NOREPLACE` is
refused with EINVAL. Attributes and names are never cached by the kernel
(timeouts 0). Runs in the foreground until it is unmounted or killed.
"""

import errno
import stat
import sys
import threading
import time

try:
    import fuse  # fusepy from PyPI
except ImportError:
    import fusepy as fuse  # Debian's python3-fusepy

NOW = time.time()


class File:
    def __init__(self, data=b""):
        self.data = bytearray(data)
        self.nlink = 1


class LinkFs(fuse.Operations):
    def __init__(self):
        self.lock = threading.Lock()
        self.files = {"/f.txt": File(b"first\n")}

    def name(self, path):
        with self.lock:
            if path not in self.files:
                raise fuse.FuseOSError(errno.ENOENT)
            return self.files[path]

    def getattr(self, path, fh=None):
        base = {"st_uid": 0, "st_gid": 0, "st_atime": NOW, "st_mtime": NOW, "st_ctime": NOW}
        if path == "/":
            return dict(base, st_mode=stat.S_IFDIR | 0o755, st_nlink=2, st_size=4096)
        f = self.name(path)
        return dict(base, st_mode=stat.S_IFREG | 0o644, st_nlink=f.nlink, st_size=len(f.data))

    def readdir(self, path, fh):
        if path != "/":
            raise fuse.FuseOSError(errno.ENOTDIR)
        with self.lock:
            return [".", ".."] + [p[1:] for p in self.files]

    def create(self, path, mode, fi=None):
        with self.lock:
            if path in self.files:
                raise fuse.FuseOSError(errno.EEXIST)
            self.files[path] = File()
        return 0

    def open(self, path, flags):
        self.name(path)
        return 0

    def read(self, path, size, offset, fh):
        return bytes(self.name(path).data[offset : offset + size])

    def write(self, path, data, offset, fh):
        f = self.name(path)
        f.data[offset : offset + len(data)] = data
        return len(data)

    def truncate(self, path, length, fh=None):
        del self.name(path).data[length:]

    def link(self, target, source):
        # fusepy passes (new name, existing name).
        with self.lock:
            if target in self.files:
                raise fuse.FuseOSError(errno.EEXIST)
            if source not in self.files:
                raise fuse.FuseOSError(errno.ENOENT)
            self.files[target] = self.files[source]
            self.files[target].nlink += 1

    def unlink(self, path):
        with self.lock:
            f = self.files.pop(path, None)
            if f is None:
                raise fuse.FuseOSError(errno.ENOENT)
            f.nlink -= 1

    def rename(self, old, new):
        with self.lock:
            if old not in self.files:
                raise fuse.FuseOSError(errno.ENOENT)
            gone = self.files.pop(new, None)
            if gone is not None:
                gone.nlink -= 1
            self.files[new] = self.files.pop(old)


def main():
    fuse.FUSE(
        LinkFs(),
        sys.argv[1],
        foreground=True,
        nothreads=False,
        fsname="statree-linkfs",
        attr_timeout=0,
        entry_timeout=0,
        negative_timeout=0,
    )


if __name__ == "__main__":
    main()
