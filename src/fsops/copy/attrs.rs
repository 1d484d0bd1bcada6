//! Everything but the data: owner and group (when running as root), the mode
//! with its special bits (after the owner, since a chown clears setuid and
//! setgid), extended attributes where the target takes them, and the times
//! with nanoseconds (last, since each of the others changes the ctime and
//! writing data changes the mtime).

use std::ffi::CStr;
use std::os::fd::BorrowedFd;

use rustix::fs::{AtFlags, Mode, Timestamps, XattrFlags};
use rustix::io::Errno;
use rustix::process::{Gid, Uid};

use crate::scan::EntryStat;

/// True when the copy can give entries their owner (root, in practice).
pub(super) fn can_chown() -> bool {
    rustix::process::geteuid().is_root()
}

fn times(stat: &EntryStat) -> Timestamps {
    let ts =
        |t: crate::scan::Timespec| rustix::fs::Timespec { tv_sec: t.sec, tv_nsec: t.nsec.into() };
    Timestamps { last_access: ts(stat.atime), last_modification: ts(stat.mtime) }
}

fn owner(stat: &EntryStat) -> (Option<Uid>, Option<Gid>) {
    (Some(Uid::from_raw(stat.uid)), Some(Gid::from_raw(stat.gid)))
}

/// Owner, mode and extended attributes of an open file or directory (the
/// times come separately, see [`times_fd`]). `made` is what `dst` has now
/// (owner, group, mode), when known: a change it already has is not made
/// again (each is a journal update on ext4, which a copy of many small
/// files waits on). Returns the names of the extended attributes the target
/// refused.
pub(super) fn apply_fd(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    stat: &EntryStat,
    chown: bool,
    made: Option<(u32, u32, u32)>,
) -> Result<Vec<String>, Errno> {
    let mode = stat.mode & 0o7777;
    let mut now_mode = made.map(|(_, _, m)| m & 0o7777);
    if chown && made.is_none_or(|(uid, gid, _)| (uid, gid) != (stat.uid, stat.gid)) {
        let (uid, gid) = owner(stat);
        rustix::fs::fchown(dst, uid, gid)?;
        // A chown may clear setuid and setgid.
        now_mode = None;
    }
    let (dropped, set) = copy_xattrs(src, dst)?;
    // An access ACL set among the attributes changes the mode.
    if set > 0 || now_mode != Some(mode) {
        rustix::fs::fchmod(dst, Mode::from_raw_mode(mode))?;
    }
    Ok(dropped)
}

/// The access and modification times of an open file or directory.
pub(super) fn times_fd(dst: BorrowedFd<'_>, stat: &EntryStat) -> Result<(), Errno> {
    rustix::fs::futimens(dst, &times(stat))
}

/// Owner, mode and times of an entry that is never opened (a symlink, a FIFO,
/// a device node, a socket), by name in `dir`, never following it.
pub(super) fn apply_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    stat: &EntryStat,
    chown: bool,
    symlink: bool,
) -> Result<(), Errno> {
    if chown {
        let (uid, gid) = owner(stat);
        rustix::fs::chownat(dir, name, uid, gid, AtFlags::SYMLINK_NOFOLLOW)?;
    }
    if !symlink {
        // The node was just made by this copy, in a directory it made or
        // under a name of its own (see `place`): chmod by name reaches it.
        rustix::fs::chmodat(dir, name, Mode::from_raw_mode(stat.mode & 0o7777), AtFlags::empty())?;
    }
    rustix::fs::utimensat(dir, name, &times(stat), AtFlags::SYMLINK_NOFOLLOW)
}

/// Copies every extended attribute of `src` onto `dst`; those the target
/// refuses (no support, or a namespace it keeps to itself) are named in the
/// result, not fatal. Also returns how many were set.
fn copy_xattrs(src: BorrowedFd<'_>, dst: BorrowedFd<'_>) -> Result<(Vec<String>, usize), Errno> {
    let mut dropped = Vec::new();
    let mut set = 0;
    let list = match read_sized(|buf| rustix::fs::flistxattr(src, buf)) {
        Ok(list) => list,
        // No xattrs on the source filesystem: nothing to copy.
        Err(Errno::NOTSUP) => return Ok((dropped, set)),
        Err(e) => return Err(e),
    };
    for name in list.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let Ok(name) = std::ffi::CString::new(name) else { continue };
        let value = match read_sized(|buf| rustix::fs::fgetxattr(src, &name, buf)) {
            Ok(value) => value,
            // Removed since the listing.
            Err(Errno::NODATA) => continue,
            Err(_) => {
                dropped.push(name.to_string_lossy().into_owned());
                continue;
            }
        };
        match rustix::fs::fsetxattr(dst, &name, &value, XattrFlags::empty()) {
            Ok(()) => set += 1,
            Err(_) => dropped.push(name.to_string_lossy().into_owned()),
        }
    }
    Ok((dropped, set))
}

/// Calls a list or get that fills a buffer, growing it while it is too small.
fn read_sized(mut call: impl FnMut(&mut [u8]) -> Result<usize, Errno>) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0u8; 1024];
    loop {
        match call(&mut buf) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(buf);
            }
            Err(Errno::RANGE) if buf.len() < (1 << 20) => buf.resize(buf.len() * 8, 0),
            Err(e) => return Err(e),
        }
    }
}
