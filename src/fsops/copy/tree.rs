//! The recursive copy of one entry, handle-relative on both sides: each
//! source entry is read with `statx(dir, name)` without following, opened
//! with `O_NOFOLLOW` and checked to be what the `statx` saw; each target
//! entry is created under a handle of the directory this copy made. An
//! explicit stack (no recursion) walks directories; a failure on one entry
//! is recorded and the copy goes on.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::data::{self, Stop};
use super::links::Links;
use super::{Meter, attrs};
use crate::error::{FsError, Op};
use crate::model::mode::FileKind;
use crate::scan::stat as scan_stat;
use crate::scan::{EntryStat, Timespec};

use crate::fsops::sys;

/// The copy was cancelled (what it made of the entry in hand is removed by
/// the caller, who knows its name).
#[derive(Debug)]
pub(crate) struct Cancelled;

/// A source entry the copy wrote and checked in the target (same type and
/// size): the only ones a move may delete.
pub(crate) type Verified = HashMap<(u64, u64), (FileKind, u64)>;

/// One copy run: its settings, what it saw and what went wrong.
pub(crate) struct Copier<'a> {
    pub cancel: &'a AtomicBool,
    pub meter: &'a Meter,
    chown: bool,
    /// Files with several links: where their first copy is.
    pub links: Links<'a>,
    /// Per-entry failures.
    pub errors: Vec<FsError>,
    /// Extended attributes the target refused: path, attribute.
    pub dropped: Vec<(PathBuf, String)>,
    /// Entries copied and checked.
    pub verified: Verified,
}

/// A directory being copied.
struct Frame {
    src: OwnedFd,
    dst: OwnedFd,
    stat: EntryStat,
    names: std::vec::IntoIter<CString>,
    src_path: PathBuf,
    /// Its path inside the pasted entry (for hard links).
    rel: Vec<u8>,
}

impl<'a> Copier<'a> {
    /// A copy run into the directory `top` (the paste's target).
    pub(crate) fn new(cancel: &'a AtomicBool, meter: &'a Meter, top: BorrowedFd<'a>) -> Self {
        Copier {
            cancel,
            meter,
            chown: attrs::can_chown(),
            links: Links::new(top),
            errors: Vec::new(),
            dropped: Vec::new(),
            verified: HashMap::new(),
        }
    }

    /// Copies `src_dir/name` (read as `stat`, born `born`) to
    /// `dst_dir/dst_name`, the pasted entry `root` (see [`Links::begin`]).
    /// Fails as a whole only when the entry itself could not be made;
    /// failures below it are in [`Copier::errors`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn copy(
        &mut self,
        src_dir: BorrowedFd<'_>,
        name: &CStr,
        (stat, born): (&EntryStat, Option<Timespec>),
        src_path: &Path,
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
        root: usize,
    ) -> Result<Result<(), FsError>, Cancelled> {
        let at = Leaf { root, rest: &[] };
        if stat.kind() != FileKind::Dir {
            return self.leaf(src_dir, name, (stat, born), src_path, dst_dir, dst_name, at);
        }
        let frame = match self.open_dir_pair(src_dir, name, stat, src_path, dst_dir, dst_name, &[])
        {
            Ok(frame) => frame,
            Err(e) => return Ok(Err(e)),
        };
        let mut stack = vec![frame];
        while let Some(top) = stack.last_mut() {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
            let Some(child) = top.names.next() else {
                let frame = stack.pop().expect("a frame is on the stack");
                self.finish_dir(frame);
                continue;
            };
            let child_path = sys::join(&top.src_path, child.to_bytes());
            let mut child_rel = top.rel.clone();
            child_rel.push(b'/');
            child_rel.extend_from_slice(child.to_bytes());
            let (child_stat, born) =
                match scan_stat::statx_at(top.src.as_fd(), child.to_bytes(), false) {
                    Ok(found) => found,
                    Err(Errno::NOENT) => continue,
                    Err(e) => {
                        self.errors.push(sys::errno(Op::Stat, child_path, e));
                        continue;
                    }
                };
            let (src, dst) = (top.src.as_fd(), top.dst.as_fd());
            if child_stat.kind() == FileKind::Dir {
                match self.open_dir_pair(
                    src,
                    &child,
                    &child_stat,
                    &child_path,
                    dst,
                    &child,
                    &child_rel,
                ) {
                    Ok(frame) => stack.push(frame),
                    Err(e) => self.errors.push(e),
                }
            } else if let Err(e) = self.leaf(
                src,
                &child,
                (&child_stat, born),
                &child_path,
                dst,
                &child,
                Leaf { root, rest: &child_rel },
            )? {
                self.errors.push(e);
            }
        }
        Ok(Ok(()))
    }

    /// Makes the target directory and opens both sides.
    #[allow(clippy::too_many_arguments)]
    fn open_dir_pair(
        &mut self,
        src_dir: BorrowedFd<'_>,
        name: &CStr,
        stat: &EntryStat,
        src_path: &Path,
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
        rel: &[u8],
    ) -> Result<Frame, FsError> {
        let src = open_src_dir(src_dir, name)
            .map_err(|e| sys::explain_open_error(src_dir, name, src_path, Op::Copy, e))?;
        let now = sys::node_of(src.as_fd()).map_err(|e| sys::errno(Op::Stat, src_path, e))?;
        if (now.dev, now.ino) != (stat.dev, stat.ino) {
            return Err(changed(src_path));
        }
        let names = list(src.as_fd()).map_err(|e| sys::errno(Op::ReadDir, src_path, e))?;
        // Owner-only until the end, where the real mode is set: nobody else
        // can step in while it is filled.
        rustix::fs::mkdirat(dst_dir, dst_name, Mode::from_raw_mode(0o700))
            .map_err(|e| sys::errno(Op::Mkdir, src_path, e))?;
        let dst = sys::open_dir_at(dst_dir, dst_name)
            .map_err(|e| sys::errno(Op::OpenDir, src_path, e))?;
        self.meter.add_entry();
        Ok(Frame {
            src,
            dst,
            stat: *stat,
            names: names.into_iter(),
            src_path: src_path.to_path_buf(),
            rel: rel.to_vec(),
        })
    }

    /// Owner, mode, attributes and times of a directory whose entries are
    /// all copied.
    fn finish_dir(&mut self, frame: Frame) {
        let (src, dst) = (frame.src.as_fd(), frame.dst.as_fd());
        let result = attrs::apply_fd(src, dst, &frame.stat, self.chown, None)
            .and_then(|dropped| attrs::times_fd(dst, &frame.stat).map(|()| dropped));
        match result {
            Ok(dropped) => {
                self.note_dropped(&frame.src_path, dropped);
                self.verified.insert((frame.stat.dev, frame.stat.ino), (FileKind::Dir, 0));
            }
            Err(e) => self.errors.push(sys::errno(Op::Copy, &frame.src_path, e)),
        }
    }

    fn note_dropped(&mut self, path: &Path, dropped: Vec<String>) {
        self.dropped.extend(dropped.into_iter().map(|name| (path.to_path_buf(), name)));
    }

    /// Copies an entry that is not a directory. A cancel in the middle of a
    /// file's data removes the file.
    #[allow(clippy::too_many_arguments)]
    fn leaf(
        &mut self,
        src_dir: BorrowedFd<'_>,
        name: &CStr,
        (stat, born): (&EntryStat, Option<Timespec>),
        src_path: &Path,
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
        at: Leaf<'_>,
    ) -> Result<Result<(), FsError>, Cancelled> {
        let kind = stat.kind();
        let key = (stat.dev, stat.ino);
        // Another name of a file this paste already copied: a link to that
        // copy. (Not only when it still has several names: a move across
        // filesystems removed the ones it moved already.)
        if self.links.link(stat, born, dst_dir, dst_name) {
            self.meter.add_entry();
            return Ok(Ok(()));
        }
        let result = match kind {
            FileKind::File => {
                // Directly in an existing directory (under a hidden name):
                // owner-only until done. Inside a directory this copy made
                // (owner-only until its end), the permission bits at once.
                let perms = if at.rest.is_empty() { 0o600 } else { stat.mode & 0o777 };
                self.file(src_dir, name, (stat, perms), src_path, dst_dir, dst_name)?
            }
            FileKind::Symlink => self.symlink(src_dir, name, stat, src_path, dst_dir, dst_name),
            _ => self.node(stat, src_path, dst_dir, dst_name),
        };
        if result.is_ok() {
            self.meter.add_entry();
            self.verified.insert(key, (kind, if kind == FileKind::Dir { 0 } else { stat.size }));
            if stat.nlink > 1 {
                self.links.record(stat, born, at.root, at.rest, dst_dir, dst_name);
            }
        }
        Ok(result)
    }

    fn file(
        &mut self,
        src_dir: BorrowedFd<'_>,
        name: &CStr,
        (stat, perms): (&EntryStat, u32),
        src_path: &Path,
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
    ) -> Result<Result<(), FsError>, Cancelled> {
        // O_NONBLOCK: if a FIFO took the file's place since the listing, the
        // open returns at once and the check below refuses it.
        // O_NOATIME: reading for a copy leaves the source's access time as it
        // was (allowed to its owner and to root; others read without it).
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY;
        let open = |extra| rustix::fs::openat(src_dir, name, flags | extra, Mode::empty());
        let src = match open(OFlags::CLOEXEC | OFlags::NOATIME) {
            Err(Errno::PERM) => open(OFlags::CLOEXEC),
            other => other,
        };
        let src = match src {
            Ok(fd) => fd,
            Err(e) => return Ok(Err(sys::errno(Op::Open, src_path, e))),
        };
        match rustix::fs::fstat(&src) {
            Ok(now)
                if {
                    let now = scan_stat::from_stat(&now);
                    (now.dev, now.ino, now.kind()) == (stat.dev, stat.ino, FileKind::File)
                } => {}
            Ok(_) => return Ok(Err(changed(src_path))),
            Err(e) => return Ok(Err(sys::errno(Op::Stat, src_path, e))),
        }
        let create = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW;
        let dst = match rustix::fs::openat(
            dst_dir,
            dst_name,
            create | OFlags::CLOEXEC,
            Mode::from_raw_mode(perms),
        ) {
            Ok(fd) => fd,
            Err(e) => return Ok(Err(sys::errno(Op::Create, src_path, e))),
        };
        // What it was made with (the umask applies): what need not change.
        let made = rustix::fs::fstat(&dst).ok().map(|st| (st.st_uid, st.st_gid, st.st_mode));
        let unlink = || {
            let _ = rustix::fs::unlinkat(dst_dir, dst_name, AtFlags::empty());
        };
        match data::copy_data(src.as_fd(), dst.as_fd(), stat.size, self.cancel, self.meter) {
            Ok(()) => {}
            Err(Stop::Cancelled) => {
                unlink();
                return Err(Cancelled);
            }
            Err(Stop::Failed(e)) => {
                unlink();
                return Ok(Err(sys::errno(Op::Copy, src_path, e)));
            }
        }
        let done = attrs::apply_fd(src.as_fd(), dst.as_fd(), stat, self.chown, made)
            .and_then(|dropped| attrs::times_fd(dst.as_fd(), stat).map(|()| dropped));
        match done {
            Ok(dropped) => self.note_dropped(src_path, dropped),
            Err(e) => {
                unlink();
                return Ok(Err(sys::errno(Op::Copy, src_path, e)));
            }
        }
        // The check a move relies on: the copy has the source's size.
        match rustix::fs::fstat(&dst) {
            Ok(now) if scan_stat::from_stat(&now).size == stat.size => Ok(Ok(())),
            Ok(_) => {
                unlink();
                Ok(Err(sys::refuse(
                    Op::Copy,
                    src_path,
                    std::io::ErrorKind::Other,
                    "the copy does not have the size of the source (it changed while copied)",
                )))
            }
            Err(e) => Ok(Err(sys::errno(Op::Stat, src_path, e))),
        }
    }

    fn symlink(
        &mut self,
        src_dir: BorrowedFd<'_>,
        name: &CStr,
        stat: &EntryStat,
        src_path: &Path,
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
    ) -> Result<(), FsError> {
        let target = rustix::fs::readlinkat(src_dir, name, Vec::new())
            .map_err(|e| sys::errno(Op::ReadLink, src_path, e))?;
        rustix::fs::symlinkat(target.as_c_str(), dst_dir, dst_name)
            .map_err(|e| sys::errno(Op::Create, src_path, e))?;
        attrs::apply_at(dst_dir, dst_name, stat, self.chown, true)
            .map_err(|e| sys::errno(Op::Copy, src_path, e))
    }

    /// A FIFO, device node or socket: made anew with `mknod`, never opened.
    fn node(
        &mut self,
        stat: &EntryStat,
        src_path: &Path,
        dst_dir: BorrowedFd<'_>,
        dst_name: &CStr,
    ) -> Result<(), FsError> {
        let file_type = FileType::from_raw_mode(stat.mode);
        rustix::fs::mknodat(dst_dir, dst_name, file_type, Mode::from_raw_mode(0o600), stat.rdev)
            .map_err(|e| sys::errno(Op::Create, src_path, e))?;
        attrs::apply_at(dst_dir, dst_name, stat, self.chown, false)
            .map_err(|e| sys::errno(Op::Copy, src_path, e))
    }
}

/// Where a leaf goes, for the hard-link record: the pasted entry and the
/// path inside it.
#[derive(Clone, Copy)]
struct Leaf<'r> {
    root: usize,
    rest: &'r [u8],
}

/// The refusal of an entry replaced while it was being copied.
fn changed(path: &Path) -> FsError {
    sys::refuse(
        Op::Identity,
        path,
        std::io::ErrorKind::Other,
        "changed while being copied; not copied",
    )
}

/// Opens a source directory like [`sys::open_dir_at`], and with `O_NOATIME`
/// where allowed, so listing it for a copy leaves its access time alone.
fn open_src_dir(dir: BorrowedFd<'_>, name: &CStr) -> Result<OwnedFd, Errno> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    match rustix::fs::openat(dir, name, flags | OFlags::NOATIME, Mode::empty()) {
        Err(Errno::PERM) => sys::open_dir_at(dir, name),
        other => other,
    }
}

/// The names in a directory (not `.` and `..`), read through the handle's
/// own open file (a `dup`, so its flags, `O_NOATIME` included, apply).
pub(crate) fn list(fd: BorrowedFd<'_>) -> Result<Vec<CString>, Errno> {
    let mut dir = rustix::fs::Dir::new(rustix::io::dup(fd)?)?;
    let mut names = Vec::new();
    while let Some(entry) = dir.read() {
        let entry = entry?;
        let name = entry.file_name();
        if name != c"." && name != c".." {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}
