//! The syscalls of the scan: `fstatat`/`statx` relative to an open directory
//! handle (no path resolution per entry, no PATH_MAX limit on the entry's own
//! path) and `readlinkat`.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::{AtFlags, Mode, OFlags, StatxFlags};
use rustix::io::Errno;

use super::entry::{EntryStat, Timespec};

/// Opens a directory for `*at` calls. Without `follow`, a symlink in the final
/// component is refused (the directory may have been swapped for a link after
/// it was listed).
pub fn open_dir(path: &Path, follow: bool) -> Result<OwnedFd, Errno> {
    let mut flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    rustix::fs::open(path, flags, Mode::empty())
}

fn at_flags(follow: bool) -> AtFlags {
    if follow { AtFlags::empty() } else { AtFlags::SYMLINK_NOFOLLOW }
}

/// `fstatat(dir, name)`; `follow` decides whether a symlink is stat-ed itself
/// (the default) or its target.
pub fn stat_at(dir: BorrowedFd<'_>, name: &[u8], follow: bool) -> Result<EntryStat, Errno> {
    let st = rustix::fs::statat(dir, name, at_flags(follow))?;
    Ok(from_stat(&st))
}

/// `statx(dir, name)` with the birth time where the filesystem has it.
pub fn statx_at(
    dir: BorrowedFd<'_>,
    name: &[u8],
    follow: bool,
) -> Result<(EntryStat, Option<Timespec>), Errno> {
    let flags = at_flags(follow) | AtFlags::STATX_DONT_SYNC;
    match rustix::fs::statx(dir, name, flags, StatxFlags::BASIC_STATS | StatxFlags::BTIME) {
        Ok(stx) => Ok(from_statx(&stx)),
        // Kernels or sandboxes without statx: fall back to plain fstatat.
        Err(Errno::NOSYS) | Err(Errno::PERM) => Ok((stat_at(dir, name, follow)?, None)),
        Err(err) => Err(err),
    }
}

/// `statx` of a path (for on-demand reads of one entry). A path longer than
/// the kernel takes in one call (`PATH_MAX`) is reached through
/// [`open_long_parent`].
pub fn statx_path(path: &Path, follow: bool) -> Result<(EntryStat, Option<Timespec>), Errno> {
    let raw = path.as_os_str().as_encoded_bytes();
    if raw.len() < PATH_LIMIT {
        return statx_at(rustix::fs::CWD, raw, follow);
    }
    let (parent, name) = open_long_parent(raw)?;
    statx_at(parent.as_fd(), name, follow)
}

/// Paths at least this long are resolved in pieces (the kernel's
/// `PATH_MAX`, 4,096 bytes including the terminating NUL).
pub const PATH_LIMIT: usize = 4096;

/// Opens a directory by a path of any length, the way the kernel would
/// resolve it (symlinks on the way are followed, as for a normal path): the
/// path is cut at `/` into pieces under `PATH_MAX`, the first opened as
/// given and each next one relative to the last. The directory itself is
/// opened for reading (usable for `getdents` and every `*at` call); the
/// pieces on the way only as `O_PATH` handles, which need no more than the
/// search permission a normal resolution needs.
pub fn open_dir_long(path: &[u8]) -> Result<OwnedFd, Errno> {
    let mut fd: Option<OwnedFd> = None;
    let mut rest = path;
    while !rest.is_empty() {
        // The longest prefix under the limit that ends at a '/' (or all of it).
        let piece_end = if rest.len() < PATH_LIMIT {
            rest.len()
        } else {
            match rest[..PATH_LIMIT - 1].iter().rposition(|&b| b == b'/') {
                Some(0) | None => return Err(Errno::NAMETOOLONG),
                Some(pos) => pos,
            }
        };
        let piece = &rest[..piece_end];
        let last = piece_end == rest.len();
        let flags =
            OFlags::DIRECTORY | OFlags::CLOEXEC | if last { OFlags::RDONLY } else { OFlags::PATH };
        let opened = match &fd {
            None => rustix::fs::open(piece, flags, Mode::empty())?,
            Some(dir) => {
                let relative = trim_leading_slashes(piece);
                if relative.is_empty() {
                    rest = &rest[piece_end..];
                    continue;
                }
                rustix::fs::openat(dir.as_fd(), relative, flags, Mode::empty())?
            }
        };
        fd = Some(opened);
        rest = &rest[piece_end..];
    }
    fd.ok_or(Errno::NOENT)
}

fn trim_leading_slashes(raw: &[u8]) -> &[u8] {
    let start = raw.iter().position(|&b| b != b'/').unwrap_or(raw.len());
    &raw[start..]
}

/// For a path of any length: a handle of the directory holding its last
/// component, and that component (the path must name an entry, not end in
/// `/`).
pub fn open_long_parent(path: &[u8]) -> Result<(OwnedFd, &[u8]), Errno> {
    let cut = path.iter().rposition(|&b| b == b'/').ok_or(Errno::INVAL)?;
    let name = &path[cut + 1..];
    if name.is_empty() {
        return Err(Errno::INVAL);
    }
    let parent = if cut == 0 { &path[..1] } else { &path[..cut] };
    Ok((open_dir_long(parent)?, name))
}

/// Reads a symlink's target, raw bytes.
pub fn readlink_at(dir: BorrowedFd<'_>, name: &[u8]) -> Result<Vec<u8>, Errno> {
    Ok(rustix::fs::readlinkat(dir, name, Vec::new())?.into_bytes())
}

/// The xattrs an audit looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditXattrs {
    /// A POSIX ACL (`system.posix_acl_access` or `system.posix_acl_default`).
    pub acl: bool,
    /// The raw `security.capability` value.
    pub capability: Option<Vec<u8>>,
}

const CAPABILITY: &str = "security.capability";
const ACL_NAMES: [&[u8]; 2] = [b"system.posix_acl_access", b"system.posix_acl_default"];

/// Lists the xattrs of `path` (one `llistxattr`, or `listxattr` with
/// `follow`), and reads `security.capability` when it is listed.
pub fn audit_xattrs(path: &Path, follow: bool) -> Result<AuditXattrs, Errno> {
    let mut small = [0u8; 512];
    let list = |buf: &mut [u8]| {
        if follow { rustix::fs::listxattr(path, buf) } else { rustix::fs::llistxattr(path, buf) }
    };
    let mut big = Vec::new();
    let names: &[u8] = match list(&mut small) {
        Ok(len) => &small[..len],
        Err(Errno::RANGE) => {
            let size = if follow {
                rustix::fs::listxattr_query(path)?
            } else {
                rustix::fs::llistxattr_query(path)?
            };
            big.resize(size.max(1), 0);
            let len = list(&mut big)?;
            &big[..len]
        }
        Err(err) => return Err(err),
    };
    let mut found = AuditXattrs::default();
    let mut has_capability = false;
    for name in names.split(|b| *b == 0) {
        has_capability |= name == CAPABILITY.as_bytes();
        found.acl |= ACL_NAMES.contains(&name);
    }
    if has_capability {
        // v3, the largest format, is 24 bytes; anything longer is kept cut
        // short and reported as malformed.
        let mut value = [0u8; 64];
        let read = if follow {
            rustix::fs::getxattr(path, CAPABILITY, &mut value)
        } else {
            rustix::fs::lgetxattr(path, CAPABILITY, &mut value)
        };
        match read {
            Ok(len) => found.capability = Some(value[..len].to_vec()),
            Err(Errno::RANGE) => found.capability = Some(value.to_vec()),
            // Removed between the two calls.
            Err(Errno::NODATA) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(found)
}

/// [`audit_xattrs`] of entry `name` in the directory open as `dir`, by its
/// full path; past PATH_MAX, through `/proc/self/fd`.
pub fn audit_xattrs_at(
    dir: Option<BorrowedFd<'_>>,
    name: &[u8],
    full: &Path,
    follow: bool,
) -> Result<AuditXattrs, Errno> {
    match (audit_xattrs(full, follow), dir) {
        (Err(Errno::NAMETOOLONG), Some(dir)) => {
            let mut proc = format!("/proc/self/fd/{}/", dir.as_raw_fd()).into_bytes();
            proc.extend_from_slice(name);
            audit_xattrs(Path::new(std::ffi::OsStr::from_bytes(&proc)), follow)
        }
        (result, _) => result,
    }
}

/// The handle for "relative to the current directory" (full paths).
pub fn cwd() -> BorrowedFd<'static> {
    rustix::fs::CWD
}

/// Borrows an owned handle.
pub fn borrow(fd: &OwnedFd) -> BorrowedFd<'_> {
    fd.as_fd()
}

/// Converts the kernel's record (field widths differ between architectures).
#[expect(clippy::unnecessary_cast, reason = "field widths differ between architectures")]
pub(crate) fn from_stat(st: &rustix::fs::Stat) -> EntryStat {
    EntryStat {
        mode: st.st_mode as u32,
        nlink: st.st_nlink as u64,
        uid: st.st_uid as u32,
        gid: st.st_gid as u32,
        size: st.st_size.max(0) as u64,
        blocks: st.st_blocks.max(0) as u64,
        ino: st.st_ino as u64,
        dev: st.st_dev as u64,
        rdev: st.st_rdev as u64,
        atime: Timespec { sec: st.st_atime as i64, nsec: st.st_atime_nsec as u32 },
        mtime: Timespec { sec: st.st_mtime as i64, nsec: st.st_mtime_nsec as u32 },
        ctime: Timespec { sec: st.st_ctime as i64, nsec: st.st_ctime_nsec as u32 },
    }
}

fn from_statx(stx: &rustix::fs::Statx) -> (EntryStat, Option<Timespec>) {
    let ts = |t: &rustix::fs::StatxTimestamp| Timespec { sec: t.tv_sec, nsec: t.tv_nsec };
    let stat = EntryStat {
        mode: u32::from(stx.stx_mode),
        nlink: u64::from(stx.stx_nlink),
        uid: stx.stx_uid,
        gid: stx.stx_gid,
        size: stx.stx_size,
        blocks: stx.stx_blocks,
        ino: stx.stx_ino,
        dev: rustix::fs::makedev(stx.stx_dev_major, stx.stx_dev_minor),
        rdev: rustix::fs::makedev(stx.stx_rdev_major, stx.stx_rdev_minor),
        atime: ts(&stx.stx_atime),
        mtime: ts(&stx.stx_mtime),
        ctime: ts(&stx.stx_ctime),
    };
    // Some filesystems set the BTIME bit but report the epoch itself; a
    // birth time cannot be set by anyone, so exactly zero means "not known".
    let btime = ((stx.stx_mask & StatxFlags::BTIME.bits()) != 0)
        .then(|| ts(&stx.stx_btime))
        .filter(|t| *t != Timespec::default());
    (stat, btime)
}
