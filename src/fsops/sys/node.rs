//! What the operations read of one entry: a `statx` relative to a directory
//! handle or of an open handle (falling back to `fstatat`/`fstat` where
//! `statx` is missing), kept to identity, type, mode, links, size, birth time
//! and whether the entry is the root of a mount.

use std::ffi::CStr;
use std::os::fd::BorrowedFd;

use rustix::fs::{AtFlags, StatxAttributes, StatxFlags};
use rustix::io::Errno;

use crate::model::Identity;
use crate::model::mode::FileKind;

/// What the operations need to know about one entry: identity, type and
/// permission bits, link count, size, and whether it is the root of a mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub nlink: u64,
    pub size: u64,
    /// `STATX_ATTR_MOUNT_ROOT`: the entry is where a filesystem (or a bind
    /// mount of the same one) is mounted.
    pub mount_root: bool,
    /// Birth time, where the filesystem records it.
    pub btime: Option<crate::scan::Timespec>,
}

impl Node {
    pub(crate) fn kind(&self) -> FileKind {
        FileKind::from_mode(self.mode)
    }

    pub(crate) fn identity(&self) -> Identity {
        Identity { dev: self.dev, ino: self.ino, kind: self.kind(), birth: self.btime }
    }

    /// True when this is the object `expected` describes (see
    /// [`Identity::same_as`]).
    pub(crate) fn matches(&self, expected: &Identity) -> bool {
        expected.same_as(&self.identity())
    }

    /// Same device and inode.
    pub(crate) fn same_object(&self, other: &Node) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }

    fn from_statx(stx: &rustix::fs::Statx) -> Self {
        let known = stx.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT);
        Node {
            dev: rustix::fs::makedev(stx.stx_dev_major, stx.stx_dev_minor),
            ino: stx.stx_ino,
            mode: u32::from(stx.stx_mode),
            nlink: u64::from(stx.stx_nlink),
            size: stx.stx_size,
            mount_root: known && stx.stx_attributes.contains(StatxAttributes::MOUNT_ROOT),
            btime: (stx.stx_mask & StatxFlags::BTIME.bits() != 0).then_some(
                crate::scan::Timespec { sec: stx.stx_btime.tv_sec, nsec: stx.stx_btime.tv_nsec },
            ),
        }
    }

    fn from_stat(st: &rustix::fs::Stat) -> Self {
        let st = crate::scan::stat::from_stat(st);
        Node {
            dev: st.dev,
            ino: st.ino,
            mode: st.mode,
            nlink: st.nlink,
            size: st.size,
            mount_root: false,
            btime: None,
        }
    }
}

fn statx_flags() -> StatxFlags {
    StatxFlags::TYPE
        | StatxFlags::MODE
        | StatxFlags::NLINK
        | StatxFlags::INO
        | StatxFlags::SIZE
        | StatxFlags::BTIME
}

/// `statx(dir, name)` without following a final symlink.
pub(crate) fn node_at(dir: BorrowedFd<'_>, name: &CStr) -> Result<Node, Errno> {
    let flags = AtFlags::SYMLINK_NOFOLLOW | AtFlags::STATX_DONT_SYNC;
    match rustix::fs::statx(dir, name, flags, statx_flags()) {
        Ok(stx) => Ok(Node::from_statx(&stx)),
        Err(Errno::NOSYS) | Err(Errno::PERM) => {
            Ok(Node::from_stat(&rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?))
        }
        Err(err) => Err(err),
    }
}

/// `statx` of an open handle (`AT_EMPTY_PATH`), which may be an `O_PATH` one.
pub(crate) fn node_of(fd: BorrowedFd<'_>) -> Result<Node, Errno> {
    let flags = AtFlags::EMPTY_PATH | AtFlags::STATX_DONT_SYNC;
    match rustix::fs::statx(fd, c"", flags, statx_flags()) {
        Ok(stx) => Ok(Node::from_statx(&stx)),
        Err(Errno::NOSYS) | Err(Errno::PERM) => Ok(Node::from_stat(&rustix::fs::fstat(fd)?)),
        Err(err) => Err(err),
    }
}
